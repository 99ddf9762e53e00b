#!/bin/bash
# The always-denied list (design 4.4, src/seccomp/deny_table.c) and the sandbox's other walls
# (design 3), attempted for real by the escape probe. Each row of the table must fail under
# podtrace with the table's errno, by default and under -A (the table does not depend on the
# policy); the same probe run natively (as root, in a private mount namespace so that its
# tmpfs and pivot_root attempts cannot touch the host) shows the calls work outside, so the
# checks can fail. Beyond syscalls, under -A: /proc/sys, /proc/sysrq-trigger and /sys are
# read-only, the host's System V IPC objects are invisible, no fd of the caller but 0-2
# reaches the worker, the worker is unprivileged (uid 65534, the sudo caller, --user) without
# capabilities (with --user=0 too), NO_NEW_PRIVS and in seccomp
# filter mode, and podtrace's init (pid 1) is out of reach through /proc/1/mem and environ.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

E=$PROBES/escape
F=$PROBES/fsop
S=$SCRATCH
mkdir "$S/mnt"
ulimit -c 0

# The rows: probe line name and the errno the table gives. Controls (calls the table must
# leave alone, or that libc makes instead) are checked separately below.
ROWS="io_uring_setup:ENOSYS io_uring_enter:ENOSYS io_uring_register:ENOSYS
ptrace-attach:EPERM ptrace-seize:EPERM ptrace-peek:EPERM
process_vm_readv:EPERM process_vm_writev:EPERM pidfd_getfd:EPERM kcmp:EPERM
mount:EPERM umount2:EPERM fsopen:EPERM fsconfig:EPERM fsmount:EPERM fspick:EPERM
move_mount:EPERM open_tree:EPERM open_tree_attr:EPERM mount_setattr:EPERM
chroot:EPERM pivot_root:EPERM
unshare-user:EPERM unshare-ns:EPERM unshare-net:EPERM setns:EPERM
clone-newuser:EPERM clone-newns:EPERM clone-newnet:EPERM clone-newpid:EPERM
clone-newipc:EPERM clone-newuts:EPERM clone-newcgroup:EPERM clone3:ENOSYS
seccomp-filter:EPERM prctl-seccomp:EPERM
socket-packet:EPERM socket-packet-dgram:EPERM socket-raw4:EPERM socket-raw4-cloexec:EPERM
socket-raw6:EPERM
bpf-map-create:EPERM bpf-prog-load:EPERM perf_event_open:EPERM userfaultfd:EPERM
kexec_load:EPERM kexec_file_load:EPERM init_module:EPERM finit_module:EPERM delete_module:EPERM
add_key:EPERM keyctl:EPERM request_key:EPERM
name_to_handle_at:EPERM open_by_handle_at:EPERM fanotify_init:EPERM
tiocsti:EPERM tioclinux:EPERM
setxattrat:ENOSYS getxattrat:ENOSYS listxattrat:ENOSYS removexattrat:ENOSYS
file_getattr:ENOSYS file_setattr:ENOSYS uselib:EPERM
quotactl:EPERM acct:EPERM swapon:EPERM swapoff:EPERM fanotify_mark:EPERM socketpair-inet:EAFNOSUPPORT
landlock_create_ruleset:ENOSYS landlock_add_rule:ENOSYS landlock_restrict_self:ENOSYS"
CONTROLS="clone-plain:ok fork:ok pthread_create:ok seccomp-action-avail:ok socket-udp:ok socket-netlink-route:ok"

line_of() { printf '%s\n' "$1" | grep -m1 "^$2: " || echo "$2: (no line)"; }

# --- natively: the same probe, in a private mount namespace -------------------------------
NATIVE=""
if command -v unshare >/dev/null && unshare -m --propagation private true 2>/dev/null; then
    NATIVE=$(cd "$S" && unshare -m --propagation private -- "$E" all "$S/mnt" 2>&1)
    echo "# natively (root, private mount namespace):"
    printf '%s\n' "$NATIVE" | sed 's/^/#   /'
    check "native: the probe ran every escape" grep -q '^landlock_restrict_self: ' <<<"$NATIVE"
    check "native: nothing stayed mounted on the scratch dir" test -z "$(grep -F " $S/mnt " /proc/self/mounts)"
    distinct=0 same=""
    for row in $ROWS; do
        name=${row%%:*} errno=${row#*:}
        nl=$(line_of "$NATIVE" "$name")
        if [ "$nl" != "$name: $errno" ]; then distinct=$((distinct + 1)); else same="$same $name"; fi
    done
    # each row is checked under podtrace below; natively a row may legitimately give the
    # same answer (a kernel without the feature, a sysctl that disables it): listed here
    [ -z "$same" ] || echo "# note: natively these already answer as podtrace must (their check cannot tell):$same"
    check "native: most rows answer differently outside podtrace ($distinct of $(wc -w <<<"$ROWS"))" \
        test "$distinct" -ge 40
    for name in ptrace-attach process_vm_writev mount chroot unshare-user clone-newuser \
        seccomp-filter socket-raw4 socket-packet bpf-map-create name_to_handle_at; do
        nl=$(line_of "$NATIVE" "$name")
        if [ "$nl" = "$name: ok" ]; then ok "native: $nl"; else echo "# note: natively '$nl'"; fi
    done
    want_native() { check "native: $1" grep -Fxq -- "$1" <<<"$NATIVE"; }
    want_native "process_vm_writev-effect: sibling changed"
    echo "# native TIOCSTI on the probe's own pty (dev.tty.legacy_tiocsti=$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo ?)): $(line_of "$NATIVE" tiocsti)"
else
    echo "# note: unshare(1) -m unavailable: no native comparison"
fi

# --- under podtrace: default policy, then -A -----------------------------------------------
for mode in default -A; do
    flags=()
    [ "$mode" = default ] || flags=(-A)
    run_pt run "${flags[@]}" -- "$E" all "$S/mnt"
    want_rc 0 "$mode: the escape probe finished"
    for row in $ROWS; do
        name=${row%%:*} errno=${row#*:}
        want "$name: $errno" "$mode: $name fails with $errno"
    done
    for row in $CONTROLS; do
        name=${row%%:*}
        want "$name: ok" "$mode: control $name still works"
    done
    want "prctl-get-seccomp: 2" "$mode: prctl(PR_GET_SECCOMP) (not a row) answers: filter mode"
    no_out() { if printf '%s\n' "$OUT" | grep -Eq -- "$1"; then soft_fail "$2: stdout has /$1/: $OUT"; else ok "$2"; fi; }
    no_out 'killed by signal' "$mode: no escape attempt was killed (each is refused with an errno)"
    no_out 'sibling changed' "$mode: the sibling's memory was not written"
    check "$mode: nothing got mounted on the scratch dir" test -z "$(grep -F " $S/mnt " /proc/self/mounts)"
done
# under -A the pty opens, so TIOCSTI is refused on a real terminal, not just on a bad fd
want "tiocsti-target: pty" "-A: TIOCSTI was tried on a real pty"

run_pt run -A -- "$E" umount2 /proc
want "umount2: EPERM" "-A: umount2(/proc) fails with EPERM"
run_pt run -A -- "$E" userfaultfd-dev
want_re '^userfaultfd-dev-open: E' "-A: no userfaultfd through /dev/userfaultfd either (not in the sandbox's /dev)"
[ -e /dev/userfaultfd ] && echo "# natively: $("$E" userfaultfd-dev | tr '\n' ' ')"

# --- /proc/sys, /proc/sysrq-trigger, /sys: read-only even under -A --------------------------
# The worker writes back the value already there, so a broken sandbox changes nothing.
core=$(cat /proc/sys/kernel/core_pattern)
host=$(cat /proc/sys/kernel/hostname)
sysfile=""
for f in /sys/kernel/rcu_expedited /sys/kernel/rcu_normal /sys/kernel/mm/ksm/run; do
    [ -w "$f" ] && [ "$(wc -l <"$f")" -le 1 ] && { sysfile=$f; break; }
done
native=$("$F" write /proc/sys/kernel/core_pattern "$core" write /proc/sys/kernel/hostname "$host")
if grep -q ': ok$' <<<"$native"; then ok "native: root can write /proc/sys ($(tr '\n' ' ' <<<"$native"))"; else
    echo "# note: /proc/sys is not writable natively here: $native"; fi
args=(write /proc/sys/kernel/core_pattern "$core" write /proc/sys/kernel/hostname "$host"
    append /proc/sys/kernel/core_pattern "$core" write /proc/sysrq-trigger h)
[ -n "$sysfile" ] && args+=(write "$sysfile" "$(cat "$sysfile")")
run_pt run -A -- "$F" "${args[@]}"
want_re '^write /proc/sys/kernel/core_pattern: E(ROFS|ACCES)$' "-A: /proc/sys/kernel/core_pattern cannot be written"
want_re '^append /proc/sys/kernel/core_pattern: E(ROFS|ACCES)$' "-A: ... nor appended to"
want_re '^write /proc/sys/kernel/hostname: E(ROFS|ACCES)$' "-A: /proc/sys/kernel/hostname cannot be written"
if [ -e /proc/sysrq-trigger ]; then
    want_re '^write /proc/sysrq-trigger: E(ROFS|ACCES)$' "-A: /proc/sysrq-trigger cannot be written"
else
    want_re '^write /proc/sysrq-trigger: E[A-Z]+$' "-A: /proc/sysrq-trigger cannot be written (the host has none: $(line_of "$OUT" 'write /proc/sysrq-trigger'))"
fi
if [ -n "$sysfile" ]; then
    want_re "^write $sysfile: E(ROFS|ACCES)\$" "-A: $sysfile cannot be written"
    check "native: $sysfile is writable natively" grep -q ': ok$' <<<"$("$F" write "$sysfile" "$(cat "$sysfile")")"
else
    echo "# note: no writable one-line file under /sys/kernel here"
fi
check "the host's core_pattern is unchanged" test "$(cat /proc/sys/kernel/core_pattern)" = "$core"
check "the host's hostname is unchanged" test "$(cat /proc/sys/kernel/hostname)" = "$host"

# --- System V IPC: the worker has its own IPC namespace -------------------------------------
if command -v ipcmk >/dev/null && command -v ipcs >/dev/null; then
    shm=$(ipcmk -M 4096 | grep -o '[0-9]*$')
    msq=$(ipcmk -Q | grep -o '[0-9]*$')
    sem=$(ipcmk -S 1 | grep -o '[0-9]*$')
    trap 'ipcrm ${shm:+-m "$shm"} ${msq:+-q "$msq"} ${sem:+-s "$sem"} 2>/dev/null; rm -rf "$SCRATCH"' EXIT
    keys=$(ipcs | awk -v m="$shm" -v q="$msq" -v s="$sem" '
        /Message Queues/ {t="q"} /Shared Memory/ {t="m"} /Semaphore/ {t="s"}
        $1 ~ /^0x/ && ((t=="m" && $2==m) || (t=="q" && $2==q) || (t=="s" && $2==s)) {print $1}')
    check "native: ipcmk made three objects, ipcs lists their keys ($(echo $keys))" test "$(wc -w <<<"$keys")" = 3
    check "native: shmctl(IPC_STAT) sees the host segment" test "$("$E" shmstat "$shm")" = "shmstat: ok"
    check "native: msgctl(IPC_STAT) sees the host queue" test "$("$E" msgstat "$msq")" = "msgstat: ok"
    run_pt run -A -- ipcs
    want_rc 0 "-A: ipcs ran in the worker"
    for k in $keys; do
        if printf '%s\n' "$OUT" | grep -q "^$k "; then soft_fail "-A: the worker's ipcs lists the host's key $k"; else
            ok "-A: the host's key $k is not visible to the worker"; fi
    done
    objs=$(printf '%s\n' "$OUT" | grep '^0x')
    if [ -z "$objs" ]; then ok "-A: the worker's ipcs lists no object at all"; else
        soft_fail "-A: the worker's ipcs lists $(wc -l <<<"$objs") object(s):
$objs"; fi
    # the same facts through /proc/sysvipc, which the kernel answers for the namespace of
    # whoever opens it: an open the supervisor performs for the worker must not show the
    # supervisor's (the host's) objects
    run_pt run --allow-read=/proc/sysvipc -- cat /proc/sysvipc/shm /proc/sysvipc/msg /proc/sysvipc/sem
    want_rc 0 "--allow-read=/proc/sysvipc: cat read the worker's /proc/sysvipc"
    objs=$(printf '%s\n' "$OUT" | grep -v '^ *key')
    if [ -z "$objs" ]; then ok "--allow-read=/proc/sysvipc: no host object in /proc/sysvipc/{shm,msg,sem}"; else
        soft_fail "--allow-read=/proc/sysvipc: the worker's /proc/sysvipc lists $(wc -l <<<"$objs") object(s), the host's:
$objs"; fi
    run_pt run -A -- "$E" shmstat "$shm"
    want "shmstat: EINVAL" "-A: shmctl(IPC_STAT) on the host segment's id: EINVAL (another namespace)"
    run_pt run -A -- "$E" msgstat "$msq"
    want "msgstat: EINVAL" "-A: msgctl(IPC_STAT) on the host queue's id: EINVAL"
else
    echo "# SKIP part: ipcmk/ipcs (util-linux) not installed: System V IPC isolation not checked"
fi

# --- /proc/sys/net shows the worker's network namespace -------------------------------------
# (the kernel answers /proc/sys/net for the opener's namespace, like /proc/sysvipc above)
host_only=$(ls /proc/sys/net/ipv4/conf | grep -vxE 'all|default|lo' | tr '\n' ' ')
if [ -n "$host_only" ]; then
    for flags in "--allow-read=/proc/sys/net" "-A"; do
        # shellcheck disable=SC2086
        run_pt run $flags -- "$F" readdir /proc/sys/net/ipv4/conf readdir /sys/class/net
        want_re '^readdir /proc/sys/net/ipv4/conf: ok ' "$flags: the worker lists /proc/sys/net/ipv4/conf"
        seen=""
        for i in $host_only; do
            printf '%s\n' "$OUT" | grep -E "^readdir /proc/sys/net/ipv4/conf: ok .*(^|[ ,])$i(,|$)" >/dev/null && seen="$seen $i"
        done
        check "$flags: none of the host's interfaces ($host_only) in the worker's /proc/sys/net/ipv4/conf${seen:+ (it shows:$seen; $(line_of "$OUT" 'readdir /sys/class/net'))}" test -z "$seen"
    done
else
    echo "# note: the host has no interface but lo: /proc/sys/net not compared"
fi

# --- file descriptors: only 0-2 reach the worker --------------------------------------------
native=$("$E" fds 5</etc/hostname 7>"$S/x")
check "native: fds 5 and 7 reach a child ($native)" grep -Eq '^fds: 0,1,2(,[0-9]+)*$' <<<"$native"
check "native: ... both of them" test "$(tr , '\n' <<<"${native#fds: }" | grep -Ex '5|7' | tr '\n' ' ')" = "5 7 "
for mode in default -A; do
    flags=()
    [ "$mode" = default ] || flags=(-A)
    run_pt run "${flags[@]}" -- "$E" fds 5</etc/hostname 7>"$S/x"
    want "fds: 0,1,2" "$mode: the worker has fds 0, 1, 2 only (not the caller's 5 and 7, nor podtrace's own)"
done

# --- credentials (design 1.8: never uid 0 unless asked) ---------------------------------------
for mode in default -A sudo user user0; do
    flags=() id=65534 gid=65534
    case $mode in
    -A) flags=(-A) ;;
    sudo) id=4242 gid=4343 ;;
    user) flags=(--user=5151:5252) id=5151 gid=5252 ;;
    user0) flags=(--user=0) id=0 gid=0 ;;
    esac
    if [ $mode = sudo ]; then
        SUDO_UID=4242 SUDO_GID=4343 run_pt run -- "$E" status
    else
        run_pt run "${flags[@]}" -- "$E" status
    fi
    want "Uid: $id $id $id $id" "$mode: the worker runs as uid $id"
    want "Gid: $gid $gid $gid $gid" "$mode: ... and gid $gid"
    want "Groups: $gid" "$mode: ... with no other group"
    for c in CapInh CapPrm CapEff CapBnd CapAmb; do
        want "$c: 0000000000000000" "$mode: $c is empty"
    done
    want "NoNewPrivs: 1" "$mode: NO_NEW_PRIVS is set"
    want "Seccomp: 2" "$mode: the worker is in seccomp filter mode"
done
native=$("$E" status)
check "native: root has capabilities here ($(grep CapEff <<<"$native"))" \
    test "$(grep CapEff <<<"$native")" != "CapEff: 0000000000000000"

# --- podtrace's init (pid 1 in the sandbox) --------------------------------------------------
run_pt run -A -- "$E" open /proc/1/mem
want_re '^open /proc/1/mem: E(ACCES|PERM)$' "-A: /proc/1/mem (podtrace's init) cannot be opened"
run_pt run -A -- "$E" open /proc/1/environ
want_re '^open /proc/1/environ: E(ACCES|PERM)$' "-A: /proc/1/environ (podtrace's init) cannot be opened"
run_pt run -A -- "$E" open /proc/2/environ
want "open /proc/2/environ: ok" "-A: control: the worker (pid 2) reads its own environ"
# natively root opens another process's mem (a sleep of ours: the host's own init may hold
# capabilities this test's root lacks)
sleep 30 &
spid=$!
native=$("$E" open /proc/$spid/mem)
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
check "native: root opens a process's /proc/PID/mem ($(head -1 <<<"$native"))" grep -q "^open /proc/$spid/mem: ok\$" <<<"$native"

finish
