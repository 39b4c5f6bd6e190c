skip-to-content = 본문으로 건너뛰기
search-by-name = 이름으로 검색
name-any-script = 이름(모든 문자)
search = 검색
sign-out = 로그아웃
footer = Nansen — 난민 등록 및 보호. 모든 변경 사항은 기록의 이력에 보관됩니다.
language = 언어
nav-home = 홈
nav-search = 사람 찾기
nav-statistics = 통계
nav-register = 가구 등록
nav-claims = 신청
nav-duplicates = 중복 가능 기록
nav-removals = 송환
main-navigation = 주 메뉴

sign-in = 로그인
sign-in-title = 로그인
user-name = 사용자 이름
password = 비밀번호
totp-code = 인증 앱의 코드(사용하는 경우)
sign-in-note = Nansen은 박해를 피해 온 사람들의 기록을 보관합니다. 모든 로그인과 기록 열람은 기록됩니다.

error-title = 오류 { $status }
back-to-start = 시작 페이지로 돌아가기

operations = 운영 사무소
no-operation = 아직 운영 사무소가 없습니다. API로 만들거나 "nansen demo"로 데모를 시작하십시오.
op-code = 코드
op-name = 이름
country-of-asylum = 비호국
households = 가구
persons = 사람
find-a-person = 사람 찾기

search-name-label = 이름(모든 문자, 악센트와 대소문자 무관)
case-number = 사건 번호
document-number = 문서 번호
found = { $count }명을 찾았습니다.
previous = 이전
next = 다음

name-latin = 이름(로마자)
name-own-script = 이름(원래 문자)
sex = 성별
born = 출생
citizenship = 국적
relationship = 관계

relationship-label = 세대주와의 관계
date-of-birth = 생년월일
place-of-birth = 출생지
languages = 언어
record-version = 기록 버전
documents = 문서
none-recorded = 기록 없음.
specific-needs = 특별한 필요
restricted-needs = 건강, 폭력 또는 고문과 관련된 필요가 { $count }건 더 기록되어 있으나 귀하의 역할로는 볼 수 없습니다.
household = 가구
household-title = 가구 { $case }
arrival = 도착
address = 주소
identifier = 식별자
members = 구성원

history = 이력
by-actor = 처리자 { $actor }
changed = 변경: { $fields }
reason = 사유:

sex-F = 여성
sex-M = 남성
sex-X = 기타
sex-U = 알 수 없음

date-full = { $year }년 { $monthnum }월 { $day }일
date-month = { $year }년 { $monthnum }월
date-year = { $year }년
month-1 = 1월
month-2 = 2월
month-3 = 3월
month-4 = 4월
month-5 = 5월
month-6 = 6월
month-7 = 7월
month-8 = 8월
month-9 = 9월
month-10 = 10월
month-11 = 11월
month-12 = 12월

statistics = 통계

rel-PA = 주 신청인
rel-SPS = 배우자 또는 동반자
rel-CHD = 자녀
rel-STC = 의붓자녀
rel-PAR = 부모
rel-SIB = 형제자매
rel-GCH = 손주
rel-GPA = 조부모
rel-REL = 기타 친척
rel-NRL = 비친족

# 사건 배정 (가구 페이지)
assign-title = 배정 대상
assign-help = 배정된 사건만 볼 수 있도록 제한된 계정의 직원은 이 사건이 배정되어 있는 동안에만 볼 수 있습니다. 사유를 입력하세요. 사유는 배정 기록과 접근 로그에 보관됩니다.
assign-none = 아무에게도 배정되지 않았습니다.
assign-user = 직원 (로그인 이름)
assign-since = 배정일
assign-reason = 사유
assign-end = 배정 종료
assign-end-reason = 종료 사유
assign-submit = 배정
