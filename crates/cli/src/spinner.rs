//! The status line of a long wait: a spinner, the phase ("waiting for the model", "running
//! `psql …` (approved)") and the elapsed time, redrawn on stderr ten times a second.
//!
//! Drawn only when stderr is a terminal (and `--json` is not asked): a pipe or a log file gets
//! the plain progress lines and nothing else. Progress lines go through [`line`], which clears
//! the status line first and redraws it after, so the two never mix.

use std::io::{IsTerminal as _, Write as _};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

const FRAMES: &[char] = &['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const TICK: Duration = Duration::from_millis(100);

#[derive(Debug)]
struct State {
    phase: Option<String>,
    since: Instant,
    frame: usize,
    drawn: bool,
    stopped: bool,
}

/// The status line of one command; stopped (and erased) on drop.
#[derive(Debug)]
pub struct Spinner {
    state: Option<Arc<Mutex<State>>>,
}

static CURRENT: Mutex<Option<Arc<Mutex<State>>>> = Mutex::new(None);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while drawing leaves a usable state.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Spinner {
    /// Start the status line when `enabled` and stderr is a terminal; a no-op otherwise.
    pub fn start(enabled: bool) -> Spinner {
        if !enabled || !std::io::stderr().is_terminal() {
            return Spinner { state: None };
        }
        let state = Arc::new(Mutex::new(State {
            phase: None,
            since: Instant::now(),
            frame: 0,
            drawn: false,
            stopped: false,
        }));
        *lock(&CURRENT) = Some(Arc::clone(&state));
        let ticking = Arc::clone(&state);
        std::thread::spawn(move || loop {
            std::thread::sleep(TICK);
            let mut s = lock(&ticking);
            if s.stopped {
                break;
            }
            s.frame = (s.frame + 1) % FRAMES.len();
            draw(&mut s);
        });
        Spinner { state: Some(state) }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(state) = &self.state {
            // CURRENT first, then the state: the order `line` and `phase` take them in.
            *lock(&CURRENT) = None;
            let mut s = lock(state);
            s.stopped = true;
            erase(&mut s);
        }
    }
}

fn draw(s: &mut State) {
    let Some(phase) = &s.phase else {
        return erase(s);
    };
    let secs = s.since.elapsed().as_secs();
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "\r\x1b[2K{} {phase} · {secs}s", FRAMES[s.frame]);
    let _ = err.flush();
    s.drawn = true;
}

fn erase(s: &mut State) {
    if s.drawn {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K");
        let _ = err.flush();
        s.drawn = false;
    }
}

/// Set the phase of the running status line (`None`: hide it); the clock restarts.
pub fn phase(text: Option<String>) {
    if let Some(state) = lock(&CURRENT).as_ref() {
        let mut s = lock(state);
        s.phase = text;
        s.since = Instant::now();
        draw(&mut s);
    }
}

/// Print a progress line on stderr, above the status line when there is one.
pub fn line(text: &str) {
    match lock(&CURRENT).as_ref() {
        Some(state) => {
            let mut s = lock(state);
            erase(&mut s);
            eprintln!("{text}");
            draw(&mut s);
        }
        None => eprintln!("{text}"),
    }
}
