#!/usr/bin/env python3
"""The container, Compose, Kubernetes and systemd files checked offline, since no image can be built or run here:
every YAML file parses, every Kubernetes object is well-formed, every SCIMD_* variable and --flag they use is one
'scimd serve --help' or 'scimd migrate --help' lists, the shipped scimd.conf is accepted by both commands, and the
probes, ports and non-root settings agree with each other.

usage: check_deploy_files.py SCIMD_BINARY SOURCE_DIR"""
import glob
import os
import re
import subprocess
import sys

import yaml

scimd, root = sys.argv[1], sys.argv[2]
failures = []
checked = []


def fail(message):
    failures.append(message)


def read(path):
    with open(os.path.join(root, path), encoding="utf-8") as f:
        return f.read()


def run(*args):
    return subprocess.run([scimd, *args], capture_output=True, text=True, env={"PATH": os.environ.get("PATH", "")})


help_text = run("serve", "--help").stdout + run("migrate", "--help").stdout
known_env = set(re.findall(r"\[(SCIMD_[A-Z_]+)", help_text))
known_flags = set(re.findall(r"^  (--[a-z-]+)", help_text, re.M))
if len(known_env) < 20 or "--admin-listen" not in known_flags:
    fail("could not read the options from scimd serve --help")

files = ["deploy/container/Dockerfile", "deploy/container/compose.yaml", "deploy/debian/scimd.service"] + sorted(
    os.path.relpath(p, root) for p in glob.glob(os.path.join(root, "deploy/kubernetes/*.yaml")))

# 1. YAML parses; Kubernetes objects have what kubectl needs.
documents = {}
for path in files:
    if not path.endswith(".yaml"):
        continue
    try:
        documents[path] = [d for d in yaml.safe_load_all(read(path)) if d is not None]
    except yaml.YAMLError as e:
        fail(f"{path}: not valid YAML: {e}")
        continue
    if path.startswith("deploy/kubernetes/"):
        for d in documents[path]:
            if not (d.get("apiVersion") and d.get("kind") and d.get("metadata", {}).get("name")):
                fail(f"{path}: an object without apiVersion, kind or metadata.name")
checked.append(f"{len(documents)} YAML files, {sum(len(v) for v in documents.values())} documents parse")

# 2. Every SCIMD_* variable and every --flag exists.
for path in files:
    text = read(path)
    for name in sorted(set(re.findall(r"\b(SCIMD_[A-Z_]+)", text))):
        if name not in known_env:
            fail(f"{path}: {name} is not a variable of scimd serve or scimd migrate")
    for line in text.splitlines():
        if "scimd" in line and not line.lstrip().startswith("#"):
            for flag in re.findall(r"\s(--[a-z][a-z-]+)", line):
                if "/usr/bin/scimd" in line and flag not in known_flags:
                    fail(f"{path}: {flag} is not a flag of scimd serve or scimd migrate")
checked.append("every SCIMD_* variable and --flag is in scimd serve/migrate --help")

# 3. The shipped configuration file is accepted by both commands that read it.
conf = os.path.join(root, "deploy/debian/scimd.conf")
serve = run("serve", "--config", conf, "--print-config")
if serve.returncode != 0:
    fail(f"deploy/debian/scimd.conf: scimd serve refuses it: {serve.stderr.strip()}")
# No database here: a migrate that gets as far as connecting has accepted the file.
migrate = run("migrate", "--config", conf, "--database-url", "postgresql://127.0.0.1:1/none?connect_timeout=1")
if "cannot connect" not in migrate.stderr:
    fail(f"deploy/debian/scimd.conf: scimd migrate refuses it: {migrate.stderr.strip()}")
checked.append("deploy/debian/scimd.conf is accepted by scimd serve and scimd migrate")

# 4. Commands, probes, ports and privileges agree.
def containers(doc):
    spec = doc.get("spec", {})
    template = spec.get("template", {}).get("spec", {})
    return template.get("containers", []), template


for path, docs in documents.items():
    for d in docs:
        if d.get("kind") not in ("Deployment", "Job"):
            continue
        pods, pod_spec = containers(d)
        for c in pods:
            command = (c.get("args") or [None])[0]
            if command not in ("serve", "migrate"):
                fail(f"{path}: {d['kind']} runs '{command}', not serve or migrate")
            security = c.get("securityContext", {})
            if not pod_spec.get("securityContext", {}).get("runAsNonRoot"):
                fail(f"{path}: {d['kind']} may run as root")
            if not security.get("readOnlyRootFilesystem") or security.get("allowPrivilegeEscalation", True):
                fail(f"{path}: {d['kind']} container is not read-only without privilege escalation")
            env = {e["name"]: e.get("value") for e in c.get("env", [])}
            if "SCIMD_DATABASE_URL" not in env or "secretKeyRef" not in str(c.get("env")):
                fail(f"{path}: {d['kind']} does not take the database URL from a Secret")
            if d["kind"] != "Deployment":
                continue
            admin_port = int(env.get("SCIMD_ADMIN_LISTEN", ":0").rsplit(":", 1)[1])
            ports = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
            if ports.get("metrics") != admin_port:
                fail(f"{path}: the metrics port {ports.get('metrics')} is not SCIMD_ADMIN_LISTEN's {admin_port}")
            for probe, want in (("livenessProbe", "/livez"), ("readinessProbe", "/readyz")):
                got = c.get(probe, {}).get("httpGet", {})
                if got.get("path") != want or got.get("port") != "metrics":
                    fail(f"{path}: {probe} is not GET {want} on the metrics (admin) port")
            if "resources" not in c:
                fail(f"{path}: the Deployment sets no resources")
kinds = sorted({d["kind"] for docs in documents.values() for d in docs if isinstance(d, dict) and d.get("kind")})
for needed in ("Deployment", "Job", "PodDisruptionBudget", "Service", "ServiceMonitor", "Secret"):
    if needed not in kinds:
        fail(f"deploy/kubernetes: no {needed}")
checked.append("Kubernetes: " + ", ".join(kinds) + "; probes on the admin port, non-root, read-only")

dockerfile = read("deploy/container/Dockerfile")
if not re.search(r"^FROM debian:bookworm AS build", dockerfile, re.M) or "FROM debian:bookworm-slim" not in dockerfile:
    fail("Dockerfile: not a build stage on debian:bookworm and a runtime on bookworm-slim")
user = re.findall(r"^USER (\S+)", dockerfile, re.M)
if not user or user[-1].split(":")[0] in ("root", "0"):
    fail("Dockerfile: the runtime does not run as a non-root user")
admin = re.search(r"SCIMD_ADMIN_LISTEN=\S+:(\d+)", dockerfile)
health = re.search(r"HEALTHCHECK .*\n.*?/dev/tcp/127\.0\.0\.1/(\d+).*GET /readyz", dockerfile)
if not admin or not health or admin.group(1) != health.group(1):
    fail("Dockerfile: HEALTHCHECK does not ask /readyz on SCIMD_ADMIN_LISTEN's port")
compose = documents.get("deploy/container/compose.yaml", [{}])[0]
services = compose.get("services", {})
if services.get("scimd", {}).get("depends_on", {}).get("migrate", {}).get("condition") != \
        "service_completed_successfully":
    fail("compose.yaml: scimd does not wait for the migration to complete")
if "postgres:15" not in str(services.get("postgres", {}).get("image")) or not compose.get("volumes"):
    fail("compose.yaml: no PostgreSQL 15 with a volume")
checked.append("Dockerfile: bookworm build, bookworm-slim runtime, non-root, HEALTHCHECK on /readyz; compose: "
               "PostgreSQL 15 with a volume, migrate before serve")

for line in checked:
    print("ok   " + line)
for message in failures:
    print("FAIL " + message)
sys.exit(1 if failures else 0)
