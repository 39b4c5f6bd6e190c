-- wrk script: every request registers one new person (a one-person household) through the API.
-- Usage: wrk -t2 -c32 -d20s --latency -s bench/register.lua http://127.0.0.1:8080/api/v1/operations/OP/persons
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
-- An API token of a registration clerk (bench/run.sh creates one): NANSEN_BENCH_TOKEN.
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("NANSEN_BENCH_TOKEN") or "")
wrk.body = '{"given_name":"Amina","family_name":"Haddad","given_name_original":"أمينة","family_name_original":"حداد","sex":"F","date_of_birth":"1990-03","place_of_birth":"Homs","country_of_birth":"SYR","citizenship":"SYR","languages":["ar"],"documents":[{"kind":"passport","number":"N0123456","issuing_country":"SYR"}]}'

done = function(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format("requests %d, non-2xx %d, errors %d\n", summary.requests, non2xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
