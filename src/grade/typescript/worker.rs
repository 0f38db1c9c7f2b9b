//! Runs TypeScript checks in long-lived node workers (`harness.mjs serve`):
//! starting node costs far more than most checks, so a worker runs one check
//! after another. Each worker leads its own process group; a check that
//! times out or crashes takes only its worker down, and the next check gets a
//! fresh one, so one endless loop or crash hides no other result.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::grade::run::{self, Captured, Exit, Limits, OUTPUT_CAP, RawRun};

/// The line a worker prints once a check's record is written.
const DONE: &str = "@@workshop done ";
/// The line a worker prints once node has loaded, before the learner's module runs.
const READY: &str = "@@workshop ready";
/// How long node may take to load before a worker counts as failed to start.
/// Only node and the packages run until then, never the learner's code.
const STARTUP_LIMIT: Duration = Duration::from_secs(30);

enum Line {
    Out(String),
    Done(String),
    Ready,
}

struct Worker {
    /// The memory limit this worker was started with.
    memory_bytes: u64,
    /// The shared setups (levels.toml `setup`) its checks have done.
    setups: Vec<String>,
    child: Child,
    pgid: i32,
    stdin: ChildStdin,
    lines: Receiver<Line>,
    stderr: Arc<Mutex<Vec<u8>>>,
    /// Closed (disconnected) once the stderr reader has seen the end of the pipe.
    stderr_drained: Receiver<()>,
}

impl Worker {
    fn start(node: &mut Command, memory_bytes: u64) -> Result<Worker> {
        node.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).process_group(0);
        let mut child = node.spawn().with_context(|| format!("cannot start {:?}", node.get_program()))?;
        let pgid = child.id() as i32;
        run::track_group(pgid);
        let stdin = child.stdin.take().context("worker stdin")?;
        let stdout = child.stdout.take().context("worker stdout")?;
        let mut stderr_pipe = child.stderr.take().context("worker stderr")?;
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // A check's own output without a final newline shares the marker's line.
                let msgs = match line.find(DONE) {
                    None if line == READY => vec![Line::Ready],
                    Some(at) => {
                        let done = Line::Done(line[at + DONE.len()..].to_string());
                        if at == 0 { vec![done] } else { vec![Line::Out(line[..at].to_string()), done] }
                    }
                    None => vec![Line::Out(line)],
                };
                if msgs.into_iter().any(|m| tx.send(m).is_err()) {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&stderr);
        let (drained, stderr_drained) = mpsc::channel::<()>();
        thread::spawn(move || {
            let _drained = drained;
            let mut buf = [0u8; 8192];
            while let Ok(n) = std::io::Read::read(&mut stderr_pipe, &mut buf) {
                if n == 0 {
                    break;
                }
                let mut kept = sink.lock().unwrap_or_else(|e| e.into_inner());
                let room = (4 * OUTPUT_CAP).saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
        });
        Ok(Worker { memory_bytes, setups: Vec::new(), child, pgid, stdin, lines, stderr, stderr_drained })
    }

    /// The stderr of a worker that has exited, read to its end. A loaded
    /// machine can leave the reader behind the exit by far more than a fixed
    /// pause; a grandchild still holding the pipe bounds the wait.
    fn final_stderr(&self) -> Captured {
        let _ = self.stderr_drained.recv_timeout(Duration::from_secs(2));
        self.take_stderr()
    }

    fn take_stderr(&self) -> Captured {
        let mut buf = self.stderr.lock().unwrap_or_else(|e| e.into_inner());
        let text = String::from_utf8_lossy(&buf).into_owned();
        buf.clear();
        Captured { text, dropped: 0 }
    }

    fn end(mut self) -> Option<std::process::ExitStatus> {
        run::end_group(self.pgid);
        self.child.wait().ok()
    }
}

/// A pool of idle workers for one built harness.
pub struct Pool {
    /// The node command for a worker with these limits (it applies the memory limit).
    node: Box<dyn Fn(Limits) -> Command + Send + Sync>,
    records: PathBuf,
    idle: Mutex<Vec<Worker>>,
}

impl Pool {
    pub fn new(node: impl Fn(Limits) -> Command + Send + Sync + 'static, records: &Path) -> Pool {
        Pool { node: Box::new(node), records: records.to_path_buf(), idle: Mutex::new(Vec::new()) }
    }

    /// Runs check `id` in an idle worker with the same memory limit (or a
    /// new one), at most `limits.timeout`; one that has done `setup`, if any.
    pub fn run(&self, id: &str, setup: Option<&str>, limits: Limits) -> Result<RawRun> {
        let (start, timeout) = (Instant::now(), limits.timeout);
        let record_path = self.records.join(format!("{id}.json"));
        let _ = std::fs::remove_file(&record_path);
        let idle = {
            let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
            let fits = |w: &Worker| w.memory_bytes == limits.memory_bytes;
            let set_up = |w: &Worker| setup.is_some_and(|s| w.setups.iter().any(|done| done == s));
            let same = idle.iter().rposition(|w| fits(w) && set_up(w)).or_else(|| idle.iter().rposition(fits));
            same.map(|i| idle.swap_remove(i))
        };
        let mut out = String::new();
        let mut dropped = 0;
        let (mut worker, start) = match idle {
            Some(w) => (w, start),
            None => {
                let mut cmd = (self.node)(limits);
                cmd.arg("serve").arg(&self.records);
                let worker = Worker::start(&mut cmd, limits.memory_bytes)?;
                // Starting node can take seconds on a busy machine: the check's
                // time starts once node has loaded (the learner's module runs
                // after that, within the check's time).
                let mut loaded = false;
                while !loaded {
                    let wait = (start + STARTUP_LIMIT)
                        .saturating_duration_since(Instant::now())
                        .min(Duration::from_millis(50));
                    match worker.lines.recv_timeout(wait) {
                        Ok(Line::Ready) => loaded = true,
                        Ok(Line::Out(line)) => keep(&mut out, &mut dropped, &line),
                        Ok(Line::Done(_)) | Err(RecvTimeoutError::Disconnected) => break,
                        Err(RecvTimeoutError::Timeout)
                            if Instant::now() >= start + STARTUP_LIMIT || run::interrupted() =>
                        {
                            break;
                        }
                        Err(RecvTimeoutError::Timeout) => {}
                    }
                }
                (worker, if loaded { Instant::now() } else { start })
            }
        };
        // A worker that died while idle (or while loading) shows up as a broken pipe here.
        if writeln!(worker.stdin, "{id}").and_then(|()| worker.stdin.flush()).is_err() {
            let stderr = worker.final_stderr();
            let exit = worker.end().map_or(Exit::Exited(-1), run::exit_of);
            return Ok(RawRun { exit, record: None, stdout: empty(), stderr, elapsed: start.elapsed() });
        }

        let deadline = start + timeout;
        loop {
            let wait = deadline.saturating_duration_since(Instant::now()).min(Duration::from_millis(50));
            match worker.lines.recv_timeout(wait) {
                Ok(Line::Done(done)) if done == id => {
                    let record = std::fs::read_to_string(&record_path).ok();
                    let stderr = worker.take_stderr();
                    if let Some(setup) = setup.filter(|s| !worker.setups.iter().any(|done| done == s)) {
                        worker.setups.push(setup.to_string());
                    }
                    self.idle.lock().unwrap_or_else(|e| e.into_inner()).push(worker);
                    let stdout = Captured { text: out, dropped };
                    return Ok(RawRun { exit: Exit::Exited(0), record, stdout, stderr, elapsed: start.elapsed() });
                }
                Ok(Line::Done(_) | Line::Ready) => {}
                Ok(Line::Out(line)) => keep(&mut out, &mut dropped, &line),
                Err(RecvTimeoutError::Timeout) => {
                    if Instant::now() >= deadline || run::interrupted() {
                        let stderr = worker.take_stderr();
                        worker.end();
                        let stdout = Captured { text: out, dropped };
                        return Ok(RawRun {
                            exit: Exit::TimedOut,
                            record: None,
                            stdout,
                            stderr,
                            elapsed: start.elapsed(),
                        });
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    // The worker died mid-check (out of memory, a crash): read
                    // its stderr to the end, then report it.
                    let mut exit = Exit::Exited(-1);
                    for _ in 0..100 {
                        if let Ok(Some(status)) = worker.child.try_wait() {
                            exit = run::exit_of(status);
                            break;
                        }
                        thread::sleep(Duration::from_millis(10));
                    }
                    let stderr = worker.final_stderr();
                    worker.end();
                    let stdout = Captured { text: out, dropped };
                    return Ok(RawRun { exit, record: None, stdout, stderr, elapsed: start.elapsed() });
                }
            }
        }
    }
}

impl Pool {
    /// Ends every idle worker.
    pub fn release(&self) {
        for worker in self.idle.lock().unwrap_or_else(|e| e.into_inner()).drain(..) {
            worker.end();
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.release();
    }
}

/// Keeps a line of a check's output, up to `OUTPUT_CAP`; counts the rest.
fn keep(out: &mut String, dropped: &mut usize, line: &str) {
    if out.len() + line.len() < OUTPUT_CAP {
        out.push_str(line);
        out.push('\n');
    } else {
        *dropped += line.len() + 1;
    }
}

fn empty() -> Captured {
    Captured { text: String::new(), dropped: 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pool of fake workers (`sh`) that take `load` seconds to start, then
    /// take `check` seconds to pass each check they are given.
    fn pool(load: &str, check: &str, records: &Path) -> Pool {
        let script = format!(
            r#"sleep {load}; echo '@@workshop ready'; while read id; do
                 sleep {check}
                 printf '{{"id":"%s","status":"pass","message":"","duration_ms":1}}' "$id" > "$2/$id.json"
                 echo "@@workshop done $id"
               done"#
        );
        Pool::new(
            move |_| {
                let mut sh = Command::new("sh");
                sh.arg("-c").arg(&script).arg("sh");
                sh
            },
            records,
        )
    }

    fn limits(timeout_ms: u64) -> Limits {
        Limits { timeout: Duration::from_millis(timeout_ms), memory_bytes: 1 << 30 }
    }

    #[test]
    fn a_check_is_timed_from_when_its_worker_has_loaded() {
        let dir = tempfile::tempdir().unwrap();
        // Timed from the start of the worker, the check would take 4.5 s; the
        // limit leaves a loaded machine 2.5 s of slack.
        let pool = pool("4", "0.5", dir.path());
        let run = pool.run("slow.start", None, limits(3000)).unwrap();
        assert_eq!(run.exit, Exit::Exited(0), "a 0.5 s check with a 3 s limit, in a worker that took 4 s to load");
        assert!(run.record.is_some_and(|r| r.contains("\"slow.start\"")));
        let again = pool.run("next", None, limits(3000)).unwrap();
        assert_eq!(again.exit, Exit::Exited(0), "the next check, in the same (loaded) worker");
    }

    #[test]
    fn a_check_that_loops_in_a_loaded_worker_times_out_at_its_limit() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool("0.5", "30", dir.path());
        let started = Instant::now();
        let run = pool.run("loops", None, limits(700)).unwrap();
        assert_eq!(run.exit, Exit::TimedOut);
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(1150) && took < Duration::from_secs(5), "reported after {took:?}");
    }
}
