#!/usr/bin/env python3
"""What the end-to-end suite left behind, checked as an operator would: every server's /metrics parses with
promtool and counts a request series for every route its log shows; in JSON logs every line is one JSON object and
every access line has the fields a log pipeline indexes; and no log line holds a secret the suite handed out.

usage: check_e2e_artifacts.py DIR [DIR ...]   (directories SCIMD_TEST_ARTIFACTS named)"""
import glob
import json
import os
import re
import subprocess
import sys

access_lines = [0]  # access log lines seen, text or JSON
QUERY_IN_PATH = re.compile(r'"path":"[^"]*\?|^\S+ \S+ [A-Z]+ \S*\?')  # a logged path with a query string
ACCESS_FIELDS = ("ts", "level", "msg", "request_id", "tenant", "method", "route", "status", "duration_ms", "bytes")
failures = []


def fail(message):
    failures.append(message)


def metric_routes(text):
    return set(re.findall(r'^scimd_http_requests_total\{route="([^"]*)"', text, re.M))


def check_server(log_file, secrets):
    name = os.path.basename(log_file)
    with open(log_file, encoding="utf-8", errors="replace") as f:
        lines = [l for l in f.read().splitlines() if l.strip()]
    json_lines = sum(1 for l in lines if l.startswith("{"))
    scraped_at = "9999"
    if os.path.exists(log_file[:-4] + ".scraped"):
        with open(log_file[:-4] + ".scraped") as f:
            scraped_at = f.read().strip()
    routes = set()
    if json_lines:
        for number, line in enumerate(lines, 1):
            try:
                record = json.loads(line)
            except ValueError:
                fail(f"{name}:{number}: not a JSON object: {line[:120]}")
                continue
            if record.get("msg") == "request":
                missing = [k for k in ACCESS_FIELDS if k not in record]
                if missing:
                    fail(f"{name}:{number}: access line without {', '.join(missing)}")
                if record.get("ts", "") < scraped_at:  # answered before /metrics was read
                    routes.add(record.get("route"))
    for number, line in enumerate(lines, 1):
        if '"msg":"request"' in line or re.match(r"^\S+ \S+ (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /", line):
            access_lines[0] += 1
            if QUERY_IN_PATH.search(line):
                fail(f"{name}:{number}: a query string is in the log: {line[:160]}")
    for secret in secrets:
        for number, line in enumerate(lines, 1):
            if secret in line:
                fail(f"{name}:{number}: a secret ({secret[:4]}...) is in the log")
    prom_file = log_file[:-4] + ".prom"
    if not os.path.exists(prom_file):
        return 0
    result = subprocess.run(["promtool", "check", "metrics"], stdin=open(prom_file, "rb"), capture_output=True,
                            text=True)
    if result.returncode != 0:
        fail(f"{os.path.basename(prom_file)}: promtool check metrics: {result.stdout}{result.stderr}")
    with open(prom_file, encoding="utf-8") as f:
        counted = metric_routes(f.read())
    for route in sorted(routes - counted):
        fail(f"{os.path.basename(prom_file)}: no scimd_http_requests_total series for route {route}, "
             f"which {name} shows")
    return len(routes)


def main(dirs):
    servers = 0
    scraped = 0
    routes = 0
    for d in dirs:
        secrets = set()
        secrets_file = os.path.join(d, "secrets.txt")
        if os.path.exists(secrets_file):
            with open(secrets_file) as f:
                secrets = {s.strip() for s in f if len(s.strip()) >= 6}
        for log_file in sorted(glob.glob(os.path.join(d, "*.log"))):
            servers += 1
            scraped += os.path.exists(log_file[:-4] + ".prom")
            routes += check_server(log_file, secrets)
        print(f"{d}: {len(glob.glob(os.path.join(d, '*.log')))} server logs, {len(secrets)} secrets looked for")
    # A check that saw nothing proved nothing: the suite must have left logs with access lines, and scrapes.
    if servers == 0 or scraped == 0 or access_lines[0] == 0:
        fail(f"nothing to check: {servers} server logs, {scraped} scrapes, {access_lines[0]} access lines")
    print(f"{servers} servers, {scraped} metrics scrapes, {access_lines[0]} access lines checked; "
          f"{len(failures)} failures")
    for message in failures[:50]:
        print("FAIL " + message)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
