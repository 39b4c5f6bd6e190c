# 首页：已登录用户的工作队列。

home-work = 您的工作
queue-empty = 暂无待办事项。
queue-all = 全部 { $count } 项
queue-all-notified = 全部已通知的决定
queue-to-register = 待登记和安排的申请
queue-to-register-hint = 已提交或已登记、尚未安排面谈的申请。
queue-awaiting-interview = 待面谈的申请
queue-awaiting-interview-hint = 已安排的面谈，待进行并记录。
queue-to-assess = 已面谈，待评估
queue-to-assess-hint = 需要撰写书面评估的申请。
queue-to-review = 待复核的评估
queue-to-review-hint = 由撰写评估者以外的官员复核。
queue-to-decide = 已复核，待决定
queue-to-decide-hint = 评估已复核、等待决定的申请。
queue-to-notify = 待通知的决定
queue-to-notify-hint = 需以书面送达的决定。
queue-appeals = 待裁决的上诉
queue-appeals-hint = 待决的上诉；在此期间不得遣返申请人。
queue-appeal-deadlines = 本周到期的上诉期限
queue-appeal-deadlines-hint = 上诉期将在七天内届满的已通知决定。
queue-duplicates = 待审查的可能重复
queue-duplicates-hint = 可能属于同一人的成对登记记录。
queue-duplicates-open = 审查可能重复的记录
queue-removals = 待评估的遣返请求
queue-removals-hint = 已经审查评估但尚未执行的请求。
