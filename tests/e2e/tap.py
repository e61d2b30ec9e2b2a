"""TAP lines for the e2e check scripts: `ok - ...` / `not ok - ...` with a few detail lines, and
`# ...` notes, flushed at once so a slow guest's progress shows as it happens."""


def tap(ok, desc, detail=None):
    print("%s - %s" % ("ok" if ok else "not ok", desc), flush=True)
    if detail and not ok:
        for ln in str(detail).splitlines()[:20]:
            print("#   " + ln, flush=True)


def note(msg):
    print("# " + msg, flush=True)
