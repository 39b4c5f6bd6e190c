#!/usr/bin/env python3
"""Server-side time of the staff pages, signed in through the sign-in form.

Usage: start Nansen (e.g. `cargo run --release -- demo --addr 127.0.0.1:18111`), then
    python3 bench/pages.py http://127.0.0.1:18111 senior
It prints the median and maximum of 7 requests per page, over loopback (so close to server time).
"""
import http.cookiejar
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:18111"
USER = sys.argv[2] if len(sys.argv) > 2 else "senior"
PASSWORD = sys.argv[3] if len(sys.argv) > 3 else "nansen-demo-2026"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def get(path):
    start = time.perf_counter()
    try:
        r = opener.open(BASE + path)
        status, body = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read().decode()
    return status, body, (time.perf_counter() - start) * 1000


def first(pattern, text):
    m = re.search(pattern, text)
    return m.group(1) if m else None


_, login, _ = get("/login")
token = first(r'name="login_csrf" value="([^"]+)"', login)
form = urllib.parse.urlencode({"username": USER, "password": PASSWORD, "login_csrf": token, "next": "/"}).encode()
try:
    opener.open(urllib.request.Request(BASE + "/login", data=form, headers={"Origin": BASE}))
except urllib.error.HTTPError as e:
    if e.code != 303:
        sys.exit(f"sign-in failed: {e.code}")

search = get("/search?name=moh")[1]
pages = ["/", "/search?name=moh", "/search?name=%D9%85%D8%AD%D9%85%D8%AF", "/register", "/claims", "/duplicates", "/removals", "/statistics"]
for kind, listing in [("persons", search), ("households", search), ("claims", get("/claims")[1]), ("duplicates", get("/duplicates")[1]), ("removals", get("/removals")[1])]:
    rid = first(rf'href="/{kind}/([0-9a-f-]{{36}})"', listing)
    if rid:
        pages.append(f"/{kind}/{rid}")
for path in pages:
    times, status = [], 0
    for _ in range(7):
        status, _, ms = get(path)
        times.append(ms)
    times.sort()
    print(f"{path[:60]:<62} {status} median {times[3]:6.1f} ms  max {times[-1]:6.1f} ms")
