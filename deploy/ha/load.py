#!/usr/bin/env python3
"""The rehearsal's load: an Entra-like mix against one SCIM base URL (or several, round robin), at a steady rate or
as fast as it goes, recording every request and every acknowledged write.

  load.py run --urls URL[,URL] --token T --seconds S [--rate R] [--workers N] [--mix entra|directory] --log FILE
      appends one JSON line per request to FILE: t, op, status, ms, and for acknowledged writes what they wrote.
      entra: filter, create (and read it straight back), PATCH, group membership; directory: reads only (a user by
      id, a filter on userName, a page of 50), of the users the token can list when it begins
  load.py check --url URL --token T --log FILE...
      reads every acknowledged write back and prints how many are missing (a created user gone, a user's title
      neither the last acknowledged one nor one written after it, an acknowledged member not in its group)
  load.py summary --log FILE --since T0 --until T1
      one table row for the requests made between T0 and T1 (rps: the successful ones per second); "stale" counts creates whose read-back, right after
      the 201, did not find the user
"""
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse

SCHEMA_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
SCHEMA_PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
WRITES = ("create", "patch", "group", "member")


class Client:
    """One kept-alive connection to one of the base URLs; a broken one is reopened on the next request."""

    def __init__(self, url, token):
        parsed = urllib.parse.urlparse(url)
        self.host, self.port, self.base = parsed.hostname, parsed.port, parsed.path.rstrip("/")
        self.token = token
        self.conn = None

    def call(self, method, path, body=None):
        headers = {"Authorization": "Bearer " + self.token, "Accept": "application/scim+json"}
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/scim+json"
        started = time.time()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            self.conn.request(method, self.base + path, body=data, headers=headers)
            res = self.conn.getresponse()
            text = res.read()
            status = res.status
            if res.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
        except Exception:  # no answer: the connection broke or timed out
            if self.conn:
                self.conn.close()
            self.conn = None
            status, text = 0, b""
        ms = (time.time() - started) * 1000
        try:
            doc = json.loads(text) if text else None
        except ValueError:
            doc = None
        return status, doc, ms


def run(args):
    urls = args["urls"].split(",")
    token, seconds = args["token"], float(args["seconds"])
    rate = float(args.get("rate", "0"))
    workers = int(args.get("workers", "8"))
    mix = args.get("mix", "entra")
    log = open(args["log"], "a", buffering=1)
    lock = threading.Lock()
    deadline = time.time() + seconds
    interval = workers / rate if rate > 0 else 0
    run_id = "%x" % random.getrandbits(32)

    def write(entry):
        with lock:
            log.write(json.dumps(entry) + "\n")

    def reader(n):
        client = Client(urls[n % len(urls)], token)
        status, doc, _ = client.call("GET", "/Users?count=500&attributes=userName")
        known = [(r["id"], r["userName"]) for r in (doc or {}).get("Resources", [])]
        if not known:
            print("the directory mix found no users to read", file=sys.stderr)
            return
        while time.time() < deadline:
            t = time.time()
            uid, name = random.choice(known)
            kind = random.choices(["get", "filter", "page"], [4, 4, 2])[0]
            if kind == "get":
                status, _, ms = client.call("GET", "/Users/" + uid)
            elif kind == "filter":
                status, _, ms = client.call("GET", "/Users?filter=" + urllib.parse.quote('userName eq "%s"' % name))
            else:
                status, _, ms = client.call("GET", "/Users?count=50&startIndex=%d" % random.randint(1, len(known)))
            write({"t": t, "op": "read", "status": status, "ms": ms})

    def worker(n):
        client = Client(urls[n % len(urls)], token)
        mine = []  # users this worker created, acknowledged
        group = None
        i = 0
        next_at = time.time()
        while time.time() < deadline:
            i += 1
            op = random.choices(["filter", "create", "patch", "member"], [4, 2, 3, 1])[0]
            if not mine:
                op = "create"
            if op == "member" and group is None:
                op = "group"
            t = time.time()
            if op == "filter":
                user = random.choice(mine)
                q = urllib.parse.quote('userName eq "%s"' % user["userName"])
                status, _, ms = client.call("GET", "/Users?filter=" + q)
                write({"t": t, "op": op, "status": status, "ms": ms})
            elif op == "create":
                name = "ha-%s-%d-%d@example.com" % (run_id, n, i)
                status, doc, ms = client.call("POST", "/Users", {"schemas": [SCHEMA_USER], "userName": name,
                                                                 "externalId": name, "active": True})
                entry = {"t": t, "op": op, "status": status, "ms": ms, "userName": name}
                if status == 201 and doc:
                    entry["id"] = doc["id"]
                    mine.append({"id": doc["id"], "userName": name})
                write(entry)
                if status == 201 and doc:  # what was just acknowledged must be there for the same client
                    t = time.time()
                    status, _, ms = client.call("GET", "/Users/" + doc["id"])
                    write({"t": t, "op": "readback", "status": status, "ms": ms})
            elif op == "patch":
                user = random.choice(mine)
                title = "t-%d-%d" % (n, i)
                status, _, ms = client.call("PATCH", "/Users/" + user["id"], {
                    "schemas": [SCHEMA_PATCH], "Operations": [{"op": "replace", "path": "title", "value": title}]})
                write({"t": t, "op": op, "status": status, "ms": ms, "id": user["id"], "title": title})
            elif op == "group":
                name = "ha-group-%s-%d" % (run_id, n)
                status, doc, ms = client.call("POST", "/Groups", {
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": name})
                entry = {"t": t, "op": op, "status": status, "ms": ms}
                if status == 201 and doc:
                    group = doc["id"]
                    entry["id"] = group
                write(entry)
            else:
                user = random.choice(mine)
                status, _, ms = client.call("PATCH", "/Groups/" + group, {
                    "schemas": [SCHEMA_PATCH],
                    "Operations": [{"op": "add", "path": "members", "value": [{"value": user["id"]}]}]})
                write({"t": t, "op": op, "status": status, "ms": ms, "group": group, "member": user["id"]})
            if interval:
                next_at += interval
                time.sleep(max(0, next_at - time.time()))

    threads = [threading.Thread(target=reader if mix == "directory" else worker, args=(n,)) for n in range(workers)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()


def entries(files):
    for name in files:
        with open(name) as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)


def check(args):
    client = Client(args["url"], args["token"])
    created, titles, members = {}, {}, {}
    for e in sorted(entries(args["log"].split(",")), key=lambda e: e["t"]):
        ok = 200 <= e["status"] < 300
        if e["op"] == "create" and ok:
            created[e["id"]] = e["userName"]
        elif e["op"] == "patch":
            seq = titles.setdefault(e["id"], [])
            seq.append((e["title"], ok))
        elif e["op"] == "member" and ok:
            members.setdefault(e["group"], set()).add(e["member"])
    missing = 0
    for uid in created:
        status, doc, _ = client.call("GET", "/Users/" + uid)
        if status != 200:
            missing += 1
            print("missing: created user %s (%s) answers %d" % (uid, created[uid], status), file=sys.stderr)
            continue
        seq = titles.get(uid, [])
        acked = [k for k, (_, ok) in enumerate(seq) if ok]
        if acked:
            allowed = {title for title, _ in seq[acked[-1]:]}
            if doc.get("title") not in allowed:
                missing += 1
                print("missing: user %s has title %r, acknowledged %r" % (uid, doc.get("title"), seq[acked[-1]][0]),
                      file=sys.stderr)
    for gid, ids in members.items():
        status, doc, _ = client.call("GET", "/Groups/" + gid)
        have = {m["value"] for m in (doc or {}).get("members", [])}
        for uid in ids - have:
            missing += 1
            print("missing: member %s of group %s" % (uid, gid), file=sys.stderr)
    acknowledged = len(created) + sum(1 for s in titles.values() for _, ok in s if ok) + \
        sum(len(v) for v in members.values())
    print(json.dumps({"acknowledged": acknowledged, "missing": missing}))


def summary(args):
    t0, t1 = float(args["since"]), float(args["until"])
    rows = [e for e in entries(args["log"].split(",")) if t0 <= e["t"] <= t1]
    failed = {}
    for e in rows:
        if not 200 <= e["status"] < 300:
            failed[e["status"]] = failed.get(e["status"], 0) + 1
    writes = sorted(e["t"] + e["ms"] / 1000 for e in rows
                    if e["op"] in WRITES and 200 <= e["status"] < 300)
    gap, last = 0.0, t0
    for w in writes + [t1]:
        gap = max(gap, w - last)
        last = max(last, w)
    ms = sorted(e["ms"] for e in rows)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))] if ms else 0
    stale = sum(1 for e in rows if e["op"] == "readback" and e["status"] == 404)
    print(json.dumps({"sent": len(rows), "failed": sum(failed.values()), "stale": stale,
                      "by_status": " ".join("%s:%d" % (k, v) for k, v in sorted(failed.items())) or "-",
                      "no_write_s": round(gap, 1), "p99_ms": round(p99),
                      "rps": round((len(rows) - sum(failed.values())) / max(t1 - t0, 1e-9))}))


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("run", "check", "summary"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    args, rest = {}, sys.argv[2:]
    for k in range(0, len(rest) - 1, 2):
        args[rest[k].lstrip("-")] = rest[k + 1]
    {"run": run, "check": check, "summary": summary}[sys.argv[1]](args)


if __name__ == "__main__":
    main()
