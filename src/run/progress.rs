//! A progress bar that appears only once a run has lasted a moment (`DELAY`): a quick run shows no flash
//! of progress, a long one (GOROOT/src, `--verify`) never leaves the terminal blank for seconds.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a run stays silent before its bar is drawn.
pub const DELAY: Duration = Duration::from_millis(300);

pub struct Progress {
    bar: ProgressBar,
    /// Dropped at the end: the waiting thread then leaves without drawing.
    stop: Option<mpsc::Sender<()>>,
    waiter: Option<JoinHandle<()>>,
}

impl Progress {
    /// A bar of `len` steps on stderr (when `enabled`: the CLI enables it only on a terminal).
    pub fn new(enabled: bool, len: u64, template: &str) -> Progress {
        Progress::with_target(
            enabled.then(ProgressDrawTarget::stderr),
            len,
            template,
            DELAY,
        )
    }

    /// Like `new`, drawing on `target` after `delay`; `None` draws nothing.
    pub fn with_target(
        target: Option<ProgressDrawTarget>,
        len: u64,
        template: &str,
        delay: Duration,
    ) -> Progress {
        let style =
            ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar());
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden())
            .with_style(style);
        let Some(target) = target else {
            return Progress {
                bar,
                stop: None,
                waiter: None,
            };
        };
        let (tx, rx) = mpsc::channel::<()>();
        let shown = bar.clone();
        let waiter = std::thread::spawn(move || {
            if let Err(RecvTimeoutError::Timeout) = rx.recv_timeout(delay) {
                shown.set_draw_target(target);
                // The steady tick redraws the elapsed time while one long step (a go build) runs.
                shown.enable_steady_tick(Duration::from_millis(200));
            }
        });
        Progress {
            bar,
            stop: Some(tx),
            waiter: Some(waiter),
        }
    }

    pub fn inc(&self, n: u64) {
        self.bar.inc(n);
    }

    pub fn set_message(&self, msg: impl Into<String>) {
        self.bar.set_message(msg.into());
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(w) = self.waiter.take() {
            let _ = w.join();
        }
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A terminal that keeps what is written to it.
    #[derive(Debug, Clone, Default)]
    struct Screen(Arc<Mutex<String>>);

    impl indicatif::TermLike for Screen {
        fn width(&self) -> u16 {
            80
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.0.lock().unwrap().push_str(s);
            Ok(())
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            self.0.lock().unwrap().push_str(s);
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn target(s: &Screen) -> Option<ProgressDrawTarget> {
        Some(ProgressDrawTarget::term_like(Box::new(s.clone())))
    }

    #[test]
    fn a_run_that_ends_before_the_delay_draws_nothing() {
        let screen = Screen::default();
        let p = Progress::with_target(
            target(&screen),
            10,
            "{pos}/{len} steps",
            Duration::from_secs(30),
        );
        p.inc(5);
        drop(p);
        assert_eq!(*screen.0.lock().unwrap(), "");
    }

    #[test]
    fn a_run_that_lasts_draws_its_bar_after_the_delay() {
        let screen = Screen::default();
        let p = Progress::with_target(
            target(&screen),
            10,
            "{pos}/{len} steps",
            Duration::from_millis(10),
        );
        p.inc(3);
        // Generous on a loaded machine: the tick draws every 200 ms once the delay is over.
        let drawn = (0..100).any(|_| {
            std::thread::sleep(Duration::from_millis(50));
            screen.0.lock().unwrap().contains("3/10 steps")
        });
        drop(p);
        assert!(drawn, "drew: {:?}", screen.0.lock().unwrap());
    }
}
