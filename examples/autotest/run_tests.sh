#!/bin/sh
# Autotest's test: runs in the sut service; exit 0 passes.
echo "testing $IMAGE_NAME (commit ${SOURCE_COMMIT:-unknown})"
for attempt in 1 2 3 4 5; do
  answer=$(nc web 8080 </dev/null) && [ -n "$answer" ] && break
  sleep 1
done
if [ "$answer" != "hello" ]; then
  echo "FAIL: web answered '$answer', expected 'hello'"
  exit 1
fi
echo "ok: web answers hello"
