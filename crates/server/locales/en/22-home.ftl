# The home page: the signed-in user's work queues.

home-work = Your work
queue-empty = Nothing waiting.
queue-all = All { $count }
queue-all-notified = All notified decisions
queue-to-register = Claims to register and schedule
queue-to-register-hint = Lodged or registered claims whose interview is not yet scheduled.
queue-awaiting-interview = Claims awaiting interview
queue-awaiting-interview-hint = Interviews scheduled, to be held and recorded.
queue-to-assess = Interviewed, to assess
queue-to-assess-hint = Claims whose written assessment is due.
queue-to-review = Assessments to review
queue-to-review-hint = Reviewed by an officer other than the one who wrote the assessment.
queue-to-decide = Reviewed, to decide
queue-to-decide-hint = Claims whose assessment was reviewed and that await a decision.
queue-to-notify = Decisions to notify
queue-to-notify-hint = Decisions to deliver in writing.
queue-appeals = Appeals to decide
queue-appeals-hint = Appeals pending; the applicant may not be removed meanwhile.
queue-appeal-deadlines = Appeal deadlines this week
queue-appeal-deadlines-hint = Notified decisions whose time to appeal ends within seven days.
queue-duplicates = Possible duplicates to review
queue-duplicates-hint = Pairs of registrations that may be one person.
queue-duplicates-open = Review possible duplicates
queue-removals = Removal requests to evaluate
queue-removals-hint = Requests evaluated by the guard and not executed.
