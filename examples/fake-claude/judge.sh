#!/usr/bin/env bash
# A stand-in for `claude` as a judge: reads the prompt on stdin and answers in stream-json, like
# `claude --print --output-format stream-json`. It passes work whose patch adds hello.py.
# SCYLLA_FAKE_JUDGE_MODE picks a behaviour: ok (default), fail, ratelimit, garbage (one unparseable answer, then ok),
# sleep:<seconds> (then ok).
set -u
if [ "${1:-}" = "--version" ]; then echo "fake-claude-judge 1.0"; exit 0; fi
prompt=$(cat)

case "${SCYLLA_FAKE_JUDGE_MODE:-ok}" in
  fail)
    echo "judge exploded" >&2; exit 2 ;;
  ratelimit)
    echo '{"type":"result","is_error":true,"result":"Overloaded: rate limit"}'; exit 1 ;;
  sleep:*)
    sleep "${SCYLLA_FAKE_JUDGE_MODE#sleep:}" ;;
  garbage)
    if ! grep -q "JSON object and nothing else" <<<"$prompt"; then
      echo '{"type":"assistant","message":{"content":[{"type":"text","text":"I think it is fine."}]}}'; exit 0
    fi ;;
esac

if grep -q "hello.py" <<<"$prompt"; then score=0.9; passed=true; else score=0.2; passed=false; fi
verdict="{\"score\": $score, \"passed\": $passed, \"reasoning\": \"hello.py present: $passed\", \"categories\": {\"functional\": $score}}"
escaped=$(printf '%s' "$verdict" | sed 's/"/\\"/g')
echo "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"$escaped\"}]}}"
echo "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"result\":\"$escaped\"}"
