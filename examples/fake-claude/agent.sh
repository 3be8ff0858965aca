#!/usr/bin/env bash
# A stand-in for the `claude` agent CLI, for demos and tests: same arguments, same single JSON object on stdout.
# It does the sample task (hello.py) in its working directory (the run's workspace).
# SCYLLA_FAKE_AGENT_MODE picks a behaviour: ok (default), fail, ratelimit, sleep:<seconds>, hang, stubborn, flood.
# SCYLLA_FAKE_AGENT_LOG, when set, names a file that gets one line per start: the working directory (the run's
# workspace).
set -u
if [ "${1:-}" = "--version" ]; then echo "fake-claude-agent 1.0"; exit 0; fi
if [ -n "${SCYLLA_FAKE_AGENT_LOG:-}" ]; then echo "$PWD" >> "$SCYLLA_FAKE_AGENT_LOG"; fi
# Like claude, a SIGTERM ends it without a result, even one that reached a child first (Slurm signals every process).
trap 'exit 143' TERM

case "${SCYLLA_FAKE_AGENT_MODE:-ok}" in
  fail)
    echo "error: the agent crashed" >&2; exit 1 ;;
  ratelimit)
    echo '{"type":"result","is_error":true,"result":"API Error: rate limit exceeded, retry later"}'; exit 1 ;;
  sleep:*)
    sleep "${SCYLLA_FAKE_AGENT_MODE#sleep:}" ;;
  hang)
    echo "$$" > "${SCYLLA_FAKE_AGENT_PIDFILE:-/dev/null}"; sleep 100000 ;;
  stubborn)
    # A child that ignores SIGTERM: only SIGKILL of the whole process group ends it.
    bash -c 'trap "" TERM; echo $$ > "${SCYLLA_FAKE_AGENT_PIDFILE:-/dev/null}"; while true; do sleep 1; done' &
    wait ;;
  flood)
    head -c 104857600 /dev/zero | tr '\0' 'x'; echo ;;
esac

printf 'print("Hello, World!")\n' > hello.py
echo '{"type":"result","subtype":"success","is_error":false,"num_turns":3,"result":"Created hello.py","total_cost_usd":0.0123,"usage":{"input_tokens":10,"output_tokens":20,"cache_creation_input_tokens":5,"cache_read_input_tokens":100}}'
