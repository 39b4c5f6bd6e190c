-- wrk script: every request registers one new person (a one-person household) through the API.
-- Usage: wrk -t2 -c32 -d20s --latency -s bench/register.lua http://127.0.0.1:8080/api/v1/operations/OP/persons
--
-- Each request is a different person, as at a registration desk: names drawn from lists in Arabic
-- script and Latin letters, a random date of birth (sometimes the year or month only), and a
-- passport number of their own. Namesakes occur, as they do in a real caseload, so the duplicate
-- check at registration does real work; the same person is never sent twice (that would make every
-- request a duplicate of all the earlier ones).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
-- An API token of a registration clerk (bench/run.sh creates one): NANSEN_BENCH_TOKEN.
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("NANSEN_BENCH_TOKEN") or "")

local female = { {"Amina","أمينة"}, {"Fatima","فاطمة"}, {"Layla","ليلى"}, {"Mariam","مريم"}, {"Noor","نور"},
  {"Rania","رانيا"}, {"Salma","سلمى"}, {"Huda","هدى"}, {"Yara","يارا"}, {"Dalia","داليا"}, {"Hiba","هبة"},
  {"Rasha","رشا"}, {"Samira","سميرة"}, {"Zeinab","زينب"}, {"Asma","أسماء"}, {"Ghada","غادة"} }
local male = { {"Ahmad","أحمد"}, {"Mohammed","محمد"}, {"Omar","عمر"}, {"Khaled","خالد"}, {"Youssef","يوسف"},
  {"Hassan","حسن"}, {"Ali","علي"}, {"Ibrahim","إبراهيم"}, {"Mahmoud","محمود"}, {"Sami","سامي"}, {"Tariq","طارق"},
  {"Walid","وليد"}, {"Ziad","زياد"}, {"Bilal","بلال"}, {"Fadi","فادي"}, {"Nabil","نبيل"} }
local family = { {"Haddad","حداد"}, {"Al-Hassan","الحسن"}, {"Khalil","خليل"}, {"Mansour","منصور"}, {"Nasser","ناصر"},
  {"Saleh","صالح"}, {"Al-Ahmad","الأحمد"}, {"Darwish","درويش"}, {"Hamdan","حمدان"}, {"Issa","عيسى"},
  {"Jaber","جابر"}, {"Kassem","قاسم"}, {"Masri","مصري"}, {"Qasim","قاسم"}, {"Rahal","رحال"}, {"Shami","شامي"},
  {"Taha","طه"}, {"Youness","يونس"}, {"Zaher","زاهر"}, {"Al-Halabi","الحلبي"}, {"Al-Homsi","الحمصي"},
  {"Barakat","بركات"}, {"Fakhoury","فاخوري"}, {"Ghanem","غانم"} }
local places = { "Homs", "Aleppo", "Damascus", "Daraa", "Idlib", "Hama", "Raqqa", "Latakia" }

local threads = {}
local counter = 1
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local n = 0
function init(args)
  math.randomseed(tid * 7919 + os.time())
end

local function pick(t) return t[math.random(#t)] end

function request()
  n = n + 1
  local sex = math.random(2) == 1 and "F" or "M"
  local g = pick(sex == "F" and female or male)
  local f = pick(family)
  local year = math.random(1950, 2024)
  local r = math.random(10)
  local dob
  if r == 1 then dob = string.format("%d", year)
  elseif r == 2 then dob = string.format("%d-%02d", year, math.random(12))
  else dob = string.format("%d-%02d-%02d", year, math.random(12), math.random(28)) end
  local body = string.format('{"given_name":"%s","family_name":"%s","given_name_original":"%s","family_name_original":"%s",'
    .. '"sex":"%s","date_of_birth":"%s","place_of_birth":"%s","country_of_birth":"SYR","citizenship":"SYR","languages":["ar"],'
    .. '"documents":[{"kind":"passport","number":"N%d%08d","issuing_country":"SYR"}]}',
    g[1], f[1], g[2], f[2], sex, dob, pick(places), tid, n)
  return wrk.format(nil, nil, nil, body)
end

done = function(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format("requests %d, non-2xx %d, errors %d\n", summary.requests, non2xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
