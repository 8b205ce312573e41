#!/usr/bin/python3
"""check.py - open a page in headless Chromium and report what a reader would
meet: console errors and exceptions, images that did not load, and a
screenshot. Drives Chromium over its DevTools protocol on a pipe
(--remote-debugging-pipe: JSON messages ending in NUL on fds 3 and 4), so
nothing but Chromium and the standard library is needed.

  check.py CHROMIUM PAGE.html SHOT.png [WIDTH HEIGHT]

Prints one JSON object: {"errors": [...], "broken_images": [...],
"images": N, "title": "...", "text_chars": N, "shot": "SHOT.png"}; exits 0
when it could look (the caller judges), 2 when Chromium failed.
"""
import base64
import json
import os
import subprocess
import sys
import tempfile
import time


class Browser:
    def __init__(self, exe, width, height):
        self.profile = tempfile.mkdtemp(prefix="racelab-chromium.")
        r_in, w_in = os.pipe()    # we write, Chromium reads on its fd 3
        r_out, w_out = os.pipe()  # Chromium writes on its fd 4, we read
        args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                "--disable-sync", "--user-data-dir=" + self.profile, "--remote-debugging-pipe",
                "--window-size=%d,%d" % (width, height), "about:blank"]

        def fds():
            os.dup2(r_in, 3)
            os.dup2(w_out, 4)
        self.proc = subprocess.Popen(args, preexec_fn=fds, pass_fds=(3, 4), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(r_in)
        os.close(w_out)
        self.w, self.r = w_in, r_out
        self.buf = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        return self.next_id

    def read(self, timeout):
        end = time.time() + timeout
        while b"\0" not in self.buf:
            if time.time() > end:
                raise TimeoutError("no answer from Chromium")
            import select
            rd, _, _ = select.select([self.r], [], [], max(0.0, end - time.time()))
            if rd:
                chunk = os.read(self.r, 1 << 20)
                if not chunk:
                    raise EOFError("Chromium closed the pipe")
                self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None, timeout=30):
        i = self.send(method, params, session)
        while True:
            m = self.read(timeout)
            if m.get("id") == i:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, name, timeout=30):
        for m in self.events:
            if m.get("method") == name:
                return m
        end = time.time() + timeout
        while time.time() < end:
            m = self.read(end - time.time())
            self.events.append(m)
            if m.get("method") == name:
                return m
        raise TimeoutError("no %s" % name)

    def close(self):
        try:
            self.send("Browser.close")
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        import shutil
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    exe, page, shot = sys.argv[1:4]
    width = int(sys.argv[4]) if len(sys.argv) > 4 else 1280
    height = int(sys.argv[5]) if len(sys.argv) > 5 else 900
    b = Browser(exe, width, height)
    try:
        t = b.call("Target.createTarget", {"url": "about:blank"})
        s = b.call("Target.attachToTarget", {"targetId": t["targetId"], "flatten": True})["sessionId"]
        for dom in ("Page", "Runtime", "Log"):
            b.call(dom + ".enable", session=s)
        b.call("Page.navigate", {"url": "file://" + os.path.abspath(page)}, session=s)
        b.wait_event("Page.loadEventFired", 60)
        time.sleep(0.5)  # let late console messages arrive
        ok = b.call("Runtime.evaluate", {"returnByValue": True, "expression": """
            JSON.stringify({
              broken: Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)
                      .map(i => (i.getAttribute('src') || '').slice(0, 80)),
              images: document.images.length,
              title: document.title,
              text: document.body ? document.body.innerText.length : 0})"""}, session=s)
        info = json.loads(ok["result"]["value"])
        png = b.call("Page.captureScreenshot", {"format": "png"}, session=s)
        with open(shot, "wb") as f:
            f.write(base64.b64decode(png["data"]))
        errors = []
        for m in b.events:
            p = m.get("params", {})
            if m.get("method") == "Runtime.exceptionThrown":
                errors.append("exception: " + p.get("exceptionDetails", {}).get("text", "?"))
            elif m.get("method") == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                errors.append("console.%s: %s" % (p["type"], " ".join(str(a.get("value", a.get("description", "")))
                                                                     for a in p.get("args", []))))
            elif m.get("method") == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                e = p["entry"]
                errors.append("%s: %s %s" % (e.get("source", "log"), e.get("text", ""), e.get("url", "")[:80]))
        print(json.dumps({"errors": errors, "broken_images": info["broken"], "images": info["images"],
                          "title": info["title"], "text_chars": info["text"], "shot": shot}))
    except (OSError, RuntimeError, TimeoutError, EOFError, KeyError, ValueError) as e:
        print(json.dumps({"failed": str(e)}))
        sys.exit(2)
    finally:
        b.close()


if __name__ == "__main__":
    main()
