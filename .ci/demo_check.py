#!/usr/bin/env python3
"""Checks a running `onramp demo` the way a new user would: the page answers,
the demo new hire signs in, and a newcomer's question finds its handbook page.

Usage: demo_check.py URL [TIMEOUT_SECONDS]
"""
import http.cookiejar
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

url = sys.argv[1].rstrip("/") + "/"
deadline = time.time() + float(sys.argv[2] if len(sys.argv) > 2 else 1200)
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def get(path):
    with opener.open(url + path, timeout=10) as res:
        return res.status, res.read().decode()


while True:
    try:
        status, _ = get("healthz")
        if status == 200:
            break
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        pass
    if time.time() > deadline:
        sys.exit(f"FAIL: the demo did not answer at {url} in time")
    time.sleep(2)

_, login = get("login")
csrf = re.search(r'name="csrf" value="([^"]+)"', login)
if not csrf:
    sys.exit("FAIL: the sign-in page has no CSRF field")
form = urllib.parse.urlencode(
    {
        "csrf": csrf.group(1),
        "next": "",
        "email": "alex.morgan@example.com",
        "password": "onramp-demo-pass",
    }
).encode()
with opener.open(urllib.request.Request(url + "login", data=form), timeout=10) as res:
    if not res.url.endswith("/home"):
        sys.exit(f"FAIL: signing in as the demo new hire ended at {res.url}")

query = urllib.parse.quote("how do I prepare an EBR")
_, page = get(f"search?q={query}")
if "/docs/handbook/customer-success/csm/ebr/" not in page:
    sys.exit("FAIL: searching the demo for 'how do I prepare an EBR' did not find the EBR page")
_, doc = get("docs/handbook/customer-success/csm/ebr/")
if "<h1" not in doc:
    sys.exit("FAIL: the EBR handbook page does not render")
print(f"demo at {url}: signed in, searched the sample handbook, opened a page")
