#!/usr/bin/env python3
"""Adds a fleet to a database filled by Benchmarks/rebuild-plan/generate.py (10,000 images, 1,000,000 components,
50,000 findings): 600 application images rebuilt (a successor digest each, superseding it, with the fate of every
open finding decided: fixed in the successor), and writes the inventories run.sh posts:
  env-NN-a.json, env-NN-b.json  19 environments x 2 snapshots (simple workload lists, 400 workloads each; the second
                                snapshot runs the successor of every rebuilt image the first ran)
  pods.json                     a `kubectl get pods -A -o json` list of 5,000 pods (1,000 Deployments x 4 pods and
                                500 StatefulSets x 2 pods, an app container and a sidecar, one init container), with
                                docker-pullable://, containerd and bare sha256 imageIDs
Usage: generate.py DATABASE OUTPUT_DIRECTORY [SEED]"""
import json, os, random, sqlite3, sys

path, out = sys.argv[1], sys.argv[2]
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
hexdigest = lambda: "".join(rng.choice("0123456789abcdef") for _ in range(64))
db = sqlite3.connect(path)
db.execute("PRAGMA foreign_keys = ON")
cur = db.cursor()

apps = cur.execute(
    """SELECT i.id, i.digest, r.name, i.repositoryId FROM image i JOIN repository r ON r.id = i.repositoryId
       WHERE i.baseDigest IS NOT NULL ORDER BY i.id""").fetchall()
rebuilt = rng.sample(apps, 600)
successor = {}
for image_id, digest, repo, repo_id in rebuilt:
    new = "sha256:" + hexdigest()
    cur.execute(
        "INSERT INTO image (digest, repositoryId, created, firstSeen, lastSeen) VALUES (?, ?, ?, ?, ?)",
        (new, repo_id, "2026-11-20T00:00:00.000Z", "2026-11-20T00:00:00.000Z", "2026-11-20T00:00:00.000Z"))
    new_id = cur.lastrowid
    successor[digest] = new
    cur.execute(
        "INSERT INTO supersession (imageId, successorImageId, buildId, supersededAt) VALUES (?, ?, NULL, ?)",
        (image_id, new_id, "2026-11-20T%02d:00:00.000Z" % rng.randint(0, 23)))
    cur.execute(
        """INSERT INTO findingFate (findingId, successorImageId, fate, decidedAt)
           SELECT id, ?, 'fixed_in_successor', '2026-11-20T00:00:00.000Z' FROM finding WHERE imageId = ? AND state = 'open'""",
        (new_id, image_id))
db.commit()

os.makedirs(out, exist_ok=True)
rebuilt_apps = [a for a in apps if a[1] in successor]
plain_apps = [a for a in apps if a[1] not in successor]
for n in range(1, 20):
    chosen = rng.sample(rebuilt_apps, 150) + rng.sample(plain_apps, 250)
    first, second = [], []
    for index, (_, digest, repo, _) in enumerate(chosen):
        row = {"namespace": "ns%02d" % (index % 40), "workload": "w%03d" % index, "container": "app",
               "image": repo + ":latest", "replicas": rng.randint(1, 10), "kind": "Deployment"}
        first.append(dict(row, digest=digest))
        second.append(dict(row, digest=successor.get(digest, digest)))
    json.dump(first, open(os.path.join(out, "env-%02d-a.json" % n), "w"))
    json.dump(second, open(os.path.join(out, "env-%02d-b.json" % n), "w"))

sidecar = ("docker.io/istio/proxyv2", "sha256:" + hexdigest())
init = ("docker.io/istio/proxyv2-init", "sha256:" + hexdigest())

def image_id(repo, digest, form):
    if form == 0:
        return "docker-pullable://%s@%s" % (repo, digest)
    if form == 1:
        return "%s@%s" % (repo, digest)
    return digest

def pod(namespace, name, owner_kind, owner_name, labels, app):
    repo, digest = app[2], app[1]
    form = rng.randint(0, 2)
    status = lambda cname, image, d, ready: {
        "containerID": "containerd://" + hexdigest(), "image": image, "imageID": image_id(image.split(":")[0], d, form),
        "lastState": {}, "name": cname, "ready": ready, "restartCount": 0, "started": ready,
        "state": {"running": {"startedAt": "2026-11-26T10:00:00Z"}} if ready else
                 {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": "2026-11-26T09:59:00Z", "finishedAt": "2026-11-26T09:59:30Z"}}}
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "creationTimestamp": "2026-11-26T10:00:00Z", "generateName": owner_name + "-", "labels": labels,
            "name": name, "namespace": namespace,
            "ownerReferences": [{"apiVersion": "apps/v1", "blockOwnerDeletion": True, "controller": True,
                                 "kind": owner_kind, "name": owner_name, "uid": hexdigest()[:36]}],
            "resourceVersion": str(rng.randint(1, 10**7)), "uid": hexdigest()[:36]},
        "spec": {
            "containers": [
                {"image": repo + ":latest", "imagePullPolicy": "IfNotPresent", "name": "app",
                 "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                 "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}}},
                {"image": sidecar[0] + ":1.22.1", "name": "istio-proxy", "args": ["proxy", "sidecar"]}],
            "initContainers": [{"image": init[0] + ":1.22.1", "name": "istio-init"}],
            "nodeName": "node-%02d" % rng.randint(1, 60), "restartPolicy": "Always", "schedulerName": "default-scheduler",
            "serviceAccountName": "default", "terminationGracePeriodSeconds": 30},
        "status": {
            "conditions": [{"lastTransitionTime": "2026-11-26T10:00:00Z", "status": "True", "type": t}
                           for t in ("Initialized", "Ready", "ContainersReady", "PodScheduled")],
            "containerStatuses": [status("app", repo + ":latest", digest, True),
                                  status("istio-proxy", sidecar[0] + ":1.22.1", sidecar[1], True)],
            "initContainerStatuses": [status("istio-init", init[0] + ":1.22.1", init[1], False)],
            "hostIP": "10.0.0.%d" % rng.randint(1, 250), "phase": "Running", "podIP": "10.1.%d.%d" % (rng.randint(0, 255), rng.randint(1, 250)),
            "qosClass": "Burstable", "startTime": "2026-11-26T10:00:00Z"}}

items = []
for d in range(1000):
    app = rng.choice(apps)
    namespace, name = "team%02d" % (d % 50), "deploy%04d" % d
    template_hash = "".join(rng.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(10))
    for p in range(4):
        pod_name = "%s-%s-%s" % (name, template_hash, "".join(rng.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(5)))
        items.append(pod(namespace, pod_name, "ReplicaSet", name + "-" + template_hash,
                         {"app": name, "pod-template-hash": template_hash}, app))
for s in range(500):
    app = rng.choice(apps)
    namespace, name = "data%02d" % (s % 20), "stateful%03d" % s
    for p in range(2):
        items.append(pod(namespace, "%s-%d" % (name, p), "StatefulSet", name, {"app": name}, app))
json.dump({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}},
          open(os.path.join(out, "pods.json"), "w"), indent=4)
print("rebuilt 600 images; wrote 38 environment snapshots and a %d-pod list (%.1f MB)" %
      (len(items), os.path.getsize(os.path.join(out, "pods.json")) / 1e6))
