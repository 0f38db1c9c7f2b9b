//! Runs one hidden test in its own process, with a wall-clock timeout, a
//! memory limit and capped output. The child leads its own process group, so
//! a timeout or Ctrl-C kills everything it started, not just the child.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// Output kept from each stream of a test; the rest is counted and dropped.
pub const OUTPUT_CAP: usize = 16 * 1024;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub timeout: Duration,
    pub memory_bytes: u64,
}

impl Limits {
    /// These limits, with the check's own timeout if it sets one.
    pub fn for_check(self, check: &crate::course::Check) -> Limits {
        Limits { timeout: check.timeout_secs.map_or(self.timeout, Duration::from_secs), ..self }
    }
}

/// How the test process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Exited(i32),
    Signalled(i32),
    TimedOut,
}

pub struct Captured {
    pub text: String,
    pub dropped: usize,
}

pub struct RawRun {
    pub exit: Exit,
    /// The harness's JSON record, if it got as far as writing one.
    pub record: Option<String>,
    pub stdout: Captured,
    pub stderr: Captured,
    pub elapsed: Duration,
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// Set by `stop_all`: what runs now is no longer wanted, but the command goes on.
static STOPPED: AtomicBool = AtomicBool::new(false);
static RUNNING: Mutex<Vec<i32>> = Mutex::new(Vec::new());
/// The build in progress, if any (0: none).
static BUILD: AtomicI32 = AtomicI32::new(0);

/// On Ctrl-C (or SIGTERM): kill every running test's process group, pass the
/// interrupt on to the build tool, and remember it, so the check stops without
/// touching progress.
pub fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| {
        INTERRUPTED.store(true, Ordering::SeqCst);
        end_everything();
    });
}

/// Kills every running test's process group and interrupts the build tool.
fn end_everything() {
    for pgid in RUNNING.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        kill_group(*pgid);
    }
    let build = BUILD.load(Ordering::SeqCst);
    if build > 0 {
        // SAFETY: kill(2) only sends a signal.
        unsafe {
            libc::kill(build, libc::SIGINT);
        }
    }
}

/// Marks `pid` as the build that an interrupt must stop (None: done).
pub fn track_build(pid: Option<u32>) {
    BUILD.store(pid.map_or(0, |p| p as i32), Ordering::SeqCst);
}

pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Interrupted, or stopped by `stop_all`: every wait here gives up.
pub fn stopped() -> bool {
    interrupted() || STOPPED.load(Ordering::SeqCst)
}

/// Stops whatever runs now (tests and builds) without quitting: `watch`
/// drops the reference figures of the last check when a save comes. Every
/// wait gives up until `resume`.
pub fn stop_all() {
    STOPPED.store(true, Ordering::SeqCst);
    end_everything();
}

/// After `stop_all`, once what it stopped has ended.
pub fn resume() {
    STOPPED.store(false, Ordering::SeqCst);
}

/// Registers a process group that Ctrl-C must kill (a long-lived worker).
pub fn track_group(pgid: i32) {
    RUNNING.lock().unwrap_or_else(|e| e.into_inner()).push(pgid);
}

/// Kills a tracked process group and forgets it.
pub fn end_group(pgid: i32) {
    kill_group(pgid);
    RUNNING.lock().unwrap_or_else(|e| e.into_inner()).retain(|p| *p != pgid);
}

fn kill_group(pgid: i32) {
    // SAFETY: kill(2) with a negative pid signals a process group; no memory is touched.
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
}

fn set_memory_limit(bytes: u64) -> std::io::Result<()> {
    let limit = libc::rlimit { rlim_cur: bytes as libc::rlim_t, rlim_max: bytes as libc::rlim_t };
    // SAFETY: setrlimit is async-signal-safe and only reads `limit`.
    if unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) } == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
}

/// Caps the child's data segment (RLIMIT_DATA: heap and private writable
/// mappings), for runtimes that reserve too much address space for RLIMIT_AS.
pub fn limit_data(command: &mut Command, bytes: u64) {
    // SAFETY: the closure only calls setrlimit, which is async-signal-safe.
    unsafe {
        command.pre_exec(move || {
            let limit = libc::rlimit { rlim_cur: bytes as libc::rlim_t, rlim_max: bytes as libc::rlim_t };
            if libc::setrlimit(libc::RLIMIT_DATA, &limit) == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
        });
    }
}

pub fn capture(mut stream: impl Read + Send + 'static) -> thread::JoinHandle<Captured> {
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut dropped = 0;
        let mut buf = [0u8; 8192];
        // Keep draining past the cap, or a chatty test would block on a full pipe.
        while let Ok(n) = stream.read(&mut buf) {
            if n == 0 {
                break;
            }
            let room = OUTPUT_CAP.saturating_sub(kept.len());
            kept.extend_from_slice(&buf[..n.min(room)]);
            dropped += n.saturating_sub(room);
        }
        Captured { text: String::from_utf8_lossy(&kept).into_owned(), dropped }
    })
}

/// Runs `<harness> run <id> <record> <extra...>` (the protocol every harness
/// speaks) and waits for it, at most `timeout`. `harness` is the command up to `run`.
pub fn run_test(
    harness: Command,
    id: &str,
    scratch: &Path,
    timeout: Duration,
    memory_bytes: Option<u64>,
    extra: &[String],
) -> Result<RawRun> {
    let (command, record_path) = test_command(harness, id, scratch, extra);
    let mut run = Spawned::new(command, memory_bytes, Stdio::null())?.wait(timeout)?;
    run.record = std::fs::read_to_string(&record_path).ok();
    Ok(run)
}

fn test_command(mut harness: Command, id: &str, scratch: &Path, extra: &[String]) -> (Command, PathBuf) {
    let record_path = scratch.join(format!("{id}.json"));
    let _ = std::fs::remove_file(&record_path);
    harness.arg("run").arg(id).arg(&record_path).args(extra).current_dir(scratch);
    (harness, record_path)
}

/// Tests started ahead of their turn in one process, which runs them one
/// after another, each at a gate: a test sets up while other work runs (what
/// the one before it built, it reuses), says it is ready (a `<record>.ready`
/// file), then waits for a line on stdin before its timed part. Tests are
/// finished in the order they were staged; a test no longer wanted is
/// skipped at its gate (a `skip` line), so the tests after it keep the data
/// it built. Dropped unfinished, the process group is killed.
pub struct Staged {
    spawned: Option<Spawned>,
    gate: Option<ChildStdin>,
    /// The tests still to finish, in order.
    pending: VecDeque<Pending>,
    /// Since when the grader has waited for the first pending test: it is
    /// given `timeout` from then (while the correctness checks run, a slow
    /// set-up costs the learner nothing).
    waited_since: Option<Instant>,
    timed_out: bool,
}

struct Pending {
    id: String,
    record: PathBuf,
    /// The file that says the test is at its gate.
    ready: PathBuf,
    /// Not wanted any more: passed over at its gate.
    skipped: bool,
}

/// Starts `command` (a harness told to run `ids` in order, each at a gate on
/// its stdin and writing `<scratch>/<id>.json`).
fn stage_tests(mut command: Command, ids: &[&str], scratch: &Path, memory_bytes: Option<u64>) -> Result<Staged> {
    let mut pending = VecDeque::new();
    for id in ids {
        let record = scratch.join(format!("{id}.json"));
        let ready = record.with_extension("json.ready");
        let _ = std::fs::remove_file(&record);
        let _ = std::fs::remove_file(&ready);
        pending.push_back(Pending { id: id.to_string(), record, ready, skipped: false });
    }
    command.current_dir(scratch);
    let mut spawned = Spawned::new(command, memory_bytes, Stdio::piped())?;
    let gate = spawned.child.stdin.take();
    Ok(Staged { spawned: Some(spawned), gate, pending, waited_since: None, timed_out: false })
}

impl Staged {
    /// The test to finish next, if the process may still run it.
    fn next(&self) -> Option<&str> {
        self.spawned.as_ref().and(self.pending.iter().find(|p| !p.skipped)).map(|p| p.id.as_str())
    }

    fn holds(&self, id: &str) -> bool {
        self.pending.iter().any(|p| p.id == id && !p.skipped)
    }

    /// Says at each gate before the next wanted test that the test there is
    /// skipped; false if the process ended or ran out of time on the way.
    fn pass_skipped(&mut self, timeout: Duration) -> Result<bool> {
        while self.pending.front().is_some_and(|p| p.skipped) {
            self.settle(timeout)?;
            let passed = self.pending.pop_front().context("no staged test left")?;
            let _ = std::fs::remove_file(&passed.ready);
            let running = match self.spawned.as_mut() {
                Some(spawned) => spawned.child.try_wait()?.is_none(),
                None => false,
            };
            if self.timed_out || !running {
                return Ok(false);
            }
            if !passed.record.exists()
                && let Some(gate) = self.gate.as_mut()
            {
                let _ = gate.write_all(b"skip\n").and_then(|()| gate.flush());
            }
            self.waited_since = None;
        }
        Ok(true)
    }

    /// Waits until the next test is at its gate or done, or the process has
    /// ended, at most `timeout` after the grader first waited for it; past
    /// that the process is stopped, and `finish` says it timed out (while
    /// setting up). Nothing else may be timed while a set-up runs.
    fn settle(&mut self, timeout: Duration) -> Result<()> {
        let (Some(spawned), Some(Pending { record, ready, .. })) = (self.spawned.as_mut(), self.pending.front()) else {
            return Ok(());
        };
        let deadline = *self.waited_since.get_or_insert_with(Instant::now) + timeout;
        let mut nap = Duration::from_micros(50);
        while !self.timed_out && !ready.exists() && !record.exists() && spawned.child.try_wait()?.is_none() {
            if Instant::now() >= deadline || stopped() {
                self.timed_out = true;
                kill_group(spawned.pgid);
                break;
            }
            thread::sleep(nap);
            nap = (nap * 2).min(Duration::from_millis(5));
        }
        Ok(())
    }

    /// Opens the gate of the next test once it is ready and waits for its
    /// record, at most `timeout` from then. A process that ended (or was
    /// stopped) on the way is collected: its exit and output go to this test,
    /// and the tests after it are left to run on their own.
    fn finish(&mut self, timeout: Duration) -> Result<RawRun> {
        self.settle(timeout)?;
        let Pending { record, ready, .. } = self.pending.pop_front().context("no staged test left")?;
        let spawned = self.spawned.as_mut().context("the staged tests' process has ended")?;
        if !self.timed_out
            && !record.exists()
            && let Some(gate) = self.gate.as_mut()
        {
            let _ = gate.write_all(b"go\n").and_then(|()| gate.flush());
        }
        let opened = Instant::now();
        let deadline = opened + timeout;
        let mut nap = Duration::from_micros(50);
        let mut ended = self.timed_out;
        // A test with others after it is done at its record; the last one, at the process's end.
        let more = !self.pending.is_empty();
        while !(ended || more && record.exists()) {
            if spawned.child.try_wait()?.is_some() {
                ended = true;
            } else if Instant::now() >= deadline || stopped() {
                kill_group(spawned.pgid);
                self.timed_out = true;
                ended = true;
            } else {
                thread::sleep(nap);
                nap = (nap * 2).min(Duration::from_millis(5));
            }
        }
        let _ = std::fs::remove_file(&ready);
        let mut run = if ended {
            self.gate = None;
            let spawned = self.spawned.take().context("the staged tests' process has ended")?;
            let mut run = spawned.wait(Duration::from_secs(5))?;
            if self.timed_out {
                run.exit = Exit::TimedOut;
            }
            run
        } else {
            self.waited_since = None;
            let empty = || Captured { text: String::new(), dropped: 0 };
            RawRun { exit: Exit::Exited(0), record: None, stdout: empty(), stderr: empty(), elapsed: opened.elapsed() }
        };
        run.record = std::fs::read_to_string(&record).ok();
        Ok(run)
    }
}

/// The perf tests started ahead of their turn: one staged process per group
/// of tests that share their data.
#[derive(Default)]
pub struct StagedTests(Mutex<Vec<Staged>>);

impl StagedTests {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Staged>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts `command`, a harness told to run `ids` in order, each at a gate
    /// (see `Staged`), with an address-space limit if given.
    pub fn stage(&self, command: Command, ids: &[&str], scratch: &Path, memory_bytes: Option<u64>) -> Result<()> {
        let staged = stage_tests(command, ids, scratch, memory_bytes)?;
        self.lock().push(staged);
        Ok(())
    }

    /// Finishes test `id` in its staged process when it is that process's
    /// turn; any other time (out of turn, measured again, never staged) it
    /// runs by itself in `alone`. Nothing is timed while another staged test
    /// still builds its data.
    pub fn run(&self, id: &str, timeout: Duration, alone: impl FnOnce() -> Result<RawRun>) -> Result<RawRun> {
        let mut staged = self.lock();
        // A group that can no longer run its next test is dropped (killed):
        // the tests it held run by themselves.
        staged.retain(|group| group.next().is_some() && (group.next() == Some(id) || !group.holds(id)));
        let mut turn = staged.iter().position(|group| group.next() == Some(id));
        if let Some(i) = turn
            && !staged[i].pass_skipped(timeout)?
        {
            staged.swap_remove(i);
            turn = None;
        }
        for (i, other) in staged.iter_mut().enumerate() {
            if Some(i) != turn {
                other.settle(timeout)?;
            }
        }
        let Some(i) = turn else {
            drop(staged);
            return alone();
        };
        let run = staged[i].finish(timeout);
        if staged[i].next().is_none() {
            staged.swap_remove(i);
        }
        run
    }

    /// Drops the group holding `id` (its process runs its tests in order):
    /// the others it held run by themselves.
    pub fn unstage(&self, id: &str) {
        self.lock().retain(|group| !group.holds(id));
    }

    /// Passes over `id` at its gate: the tests after it in its group still
    /// reuse the data it built.
    pub fn skip(&self, id: &str) {
        for group in self.lock().iter_mut() {
            for pending in group.pending.iter_mut().filter(|p| p.id == id) {
                pending.skipped = true;
            }
        }
    }
}

/// A child in its own process group, tracked for Ctrl-C, its output captured.
struct Spawned {
    child: Child,
    pgid: i32,
    stdout: Option<thread::JoinHandle<Captured>>,
    stderr: Option<thread::JoinHandle<Captured>>,
    start: Instant,
    waited: bool,
}

impl Spawned {
    fn new(mut command: Command, memory_bytes: Option<u64>, stdin: Stdio) -> Result<Spawned> {
        command.stdin(stdin).stdout(Stdio::piped()).stderr(Stdio::piped()).process_group(0);
        if let Some(memory) = memory_bytes {
            // SAFETY: the closure only calls setrlimit, which is async-signal-safe.
            unsafe {
                command.pre_exec(move || set_memory_limit(memory));
            }
        }
        let start = Instant::now();
        let mut child = command.spawn().with_context(|| format!("cannot start {:?}", command.get_program()))?;
        let pgid = child.id() as i32;
        RUNNING.lock().unwrap_or_else(|e| e.into_inner()).push(pgid);
        let stdout = Some(capture(child.stdout.take().context("child stdout")?));
        let stderr = Some(capture(child.stderr.take().context("child stderr")?));
        Ok(Spawned { child, pgid, stdout, stderr, start, waited: false })
    }

    /// Waits at most `timeout`; whatever happened, nothing the child started outlives it.
    fn wait(mut self, timeout: Duration) -> Result<RawRun> {
        let waited = wait_with_timeout(&mut self.child, timeout);
        self.end();
        let exit = match waited? {
            Some(status) => exit_of(status),
            None => {
                let _ = self.child.wait();
                Exit::TimedOut
            }
        };
        let empty = || Captured { text: String::new(), dropped: 0 };
        let joined = |h: Option<thread::JoinHandle<Captured>>| h.and_then(|h| h.join().ok()).unwrap_or_else(empty);
        Ok(RawRun {
            exit,
            record: None,
            stdout: joined(self.stdout.take()),
            stderr: joined(self.stderr.take()),
            elapsed: self.start.elapsed(),
        })
    }

    fn end(&mut self) {
        kill_group(self.pgid);
        RUNNING.lock().unwrap_or_else(|e| e.into_inner()).retain(|p| *p != self.pgid);
        self.waited = true;
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        if !self.waited {
            self.end();
            let _ = self.child.wait();
        }
    }
}

/// Runs `command` in its own process group with a timeout (and optionally a
/// memory limit), capturing capped output; the group is killed at the end.
pub fn run_limited(command: Command, timeout: Duration, memory_bytes: Option<u64>) -> Result<RawRun> {
    Spawned::new(command, memory_bytes, Stdio::null())?.wait(timeout)
}

/// Polls with a short, growing sleep: most tests end within a millisecond.
fn wait_with_timeout(child: &mut Child, timeout: Duration) -> Result<Option<ExitStatus>> {
    let deadline = Instant::now() + timeout;
    let mut nap = Duration::from_micros(50);
    loop {
        if let Some(status) = child.try_wait().context("cannot wait for a test")? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline || stopped() {
            return Ok(None);
        }
        thread::sleep(nap);
        nap = (nap * 2).min(Duration::from_millis(5));
    }
}

pub fn exit_of(status: ExitStatus) -> Exit {
    match (status.code(), status.signal()) {
        (Some(code), _) => Exit::Exited(code),
        (None, Some(sig)) => Exit::Signalled(sig),
        (None, None) => Exit::Exited(-1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A harness at gates: per test it logs its setup, says it is ready,
    /// and writes the line it was given (`go` or `skip`) into its record,
    /// whole at once as the real harnesses do.
    fn gated(dir: &Path, ids: &[&str]) -> Command {
        let script = r#"for id in "$@"; do
            echo "$id" >> setups
            : > "$id.json.ready"
            read -r line || exit 0
            echo "$line $$" > "$id.json.tmp" && mv "$id.json.tmp" "$id.json"
        done"#;
        let mut command = Command::new("bash");
        command.arg("-c").arg(script).arg("harness").args(ids).current_dir(dir);
        command
    }

    #[test]
    fn a_skipped_test_is_passed_over_at_its_gate_and_the_rest_of_its_group_stays_staged() {
        let dir = tempfile::tempdir().unwrap();
        let staged = StagedTests::default();
        staged.stage(gated(dir.path(), &["a", "b", "c", "d"]), &["a", "b", "c", "d"], dir.path(), None).unwrap();
        staged.skip("b");
        staged.skip("d");
        let timeout = Duration::from_secs(10);
        let alone = || -> Result<RawRun> { panic!("a staged test ran by itself") };
        let a = staged.run("a", timeout, alone).unwrap().record.unwrap();
        let c = staged.run("c", timeout, alone).unwrap().record.unwrap();
        let b = std::fs::read_to_string(dir.path().join("b.json")).unwrap();
        let pid = |record: &str| record.split_whitespace().nth(1).unwrap().to_string();
        assert!(a.starts_with("go ") && b.starts_with("skip ") && c.starts_with("go "), "{a} {b} {c}");
        assert!(pid(&a) == pid(&b) && pid(&b) == pid(&c), "one process ran the group: {a} {b} {c}");
        // With only skipped tests after it, the group is done and stopped.
        assert!(staged.lock().is_empty());
        let setups = std::fs::read_to_string(dir.path().join("setups")).unwrap();
        assert!(setups.starts_with("a\nb\nc\n"), "{setups}");
        // A test no group holds any more runs by itself.
        let d = staged.run("d", timeout, || Err(anyhow::anyhow!("ran by itself")));
        assert!(d.is_err_and(|e| e.to_string() == "ran by itself"));
    }
}
