# The step runner of .ci/run, in a file of its own so test/ci-step.test.ts can run it.
#
# step NAME RESULTS LIMIT COMMAND [ARG...]
# Runs COMMAND for at most LIMIT seconds and prints how it went. A step that fails or runs out of
# time is added to failed_steps with RESULTS, the result file it was to write ("" for none), which
# .ci/run hands to scripts/ci-summary.ts, in pairs: a failed step counts as one failed test in the
# summary when its results show no failure of their own.
#
# coreutils `timeout` runs COMMAND in a process group of its own; at the limit it sends SIGTERM to
# that whole group, so test servers, vitest workers and the browser check go with the step, and
# SIGKILL to whatever is left STEP_KILL_AFTER seconds later.

failed_steps=()
STEP_KILL_AFTER=${STEP_KILL_AFTER:-10}
step_pid=""
step_signal=""

# Ctrl-C in a terminal reaches the script but not the running step, which is in its own process
# group: stop the step as its time limit would (SIGTERM to the whole group, SIGKILL later), since
# processes started in the background ignore SIGINT, then end the run.
step_interrupt() {
  step_signal=$1
  if [ -n "$step_pid" ]; then kill -s TERM "$step_pid" 2>/dev/null; fi
}
trap 'step_interrupt INT' INT
trap 'step_interrupt TERM' TERM

step() {
  local name="$1" results="$2" limit="$3"
  shift 3
  echo
  echo "::: $name"
  local start=$SECONDS status=0
  timeout --kill-after="$STEP_KILL_AFTER" "$limit" "$@" &
  step_pid=$!
  wait "$step_pid" || status=$?
  # A trapped signal ends `wait` early; let the step finish stopping before the run ends.
  while [ -n "$step_signal" ] && kill -0 "$step_pid" 2>/dev/null; do wait "$step_pid"; done
  step_pid=""
  local took=$((SECONDS - start))
  if [ -n "$step_signal" ]; then
    echo "::: $name: stopped by SIG$step_signal after $took s"
    exit $((128 + $(kill -l "$step_signal")))
  fi
  if [ "$status" -eq 0 ]; then
    echo "::: $name: ok ($took s)"
  # timeout exits 124 after SIGTERM, or 137 when SIGKILL was needed; the time taken tells the
  # latter from a command that was killed for another reason, such as running out of memory.
  elif { [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; } && [ "$took" -ge "$limit" ]; then
    echo "::: $name: FAILED, timed out after $limit s (stopped after $took s)"
    failed_steps+=("$name (timed out after $limit s)" "$results")
  else
    echo "::: $name: FAILED ($took s)"
    failed_steps+=("$name" "$results")
  fi
}
