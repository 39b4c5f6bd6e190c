# 홈페이지: 로그인한 사용자의 업무 대기열.

home-work = 내 업무
queue-empty = 대기 중인 업무가 없습니다.
queue-all = 전체 { $count }건
queue-all-notified = 통지된 모든 결정
queue-to-register = 등록 및 일정 수립이 필요한 신청
queue-to-register-hint = 접수되었거나 등록되었지만 면접 일정이 아직 없는 신청.
queue-awaiting-interview = 면접 대기 중인 신청
queue-awaiting-interview-hint = 일정이 잡힌 면접으로, 진행하고 기록해야 합니다.
queue-to-assess = 면접 완료, 평가 필요
queue-to-assess-hint = 서면 평가가 필요한 신청.
queue-to-review = 검토할 평가
queue-to-review-hint = 평가를 작성하지 않은 다른 담당관이 검토합니다.
queue-to-decide = 검토 완료, 결정 필요
queue-to-decide-hint = 평가 검토가 끝나 결정을 기다리는 신청.
queue-to-notify = 통지할 결정
queue-to-notify-hint = 서면으로 전달해야 할 결정.
queue-appeals = 결정할 이의신청
queue-appeals-hint = 진행 중인 이의신청으로, 그동안 신청인을 송환할 수 없습니다.
queue-appeal-deadlines = 이번 주 이의신청 마감
queue-appeal-deadlines-hint = 이의신청 기간이 7일 안에 끝나는 통지된 결정.
queue-duplicates = 검토할 중복 가능 기록
queue-duplicates-hint = 같은 사람일 수 있는 등록 기록 쌍.
queue-duplicates-open = 중복 가능 기록 검토
queue-removals = 심사할 송환 요청
queue-removals-hint = 심사는 끝났지만 집행되지 않은 요청.
