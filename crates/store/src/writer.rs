//! Group commit: one writer task per database takes every write request waiting in its queue,
//! applies them in one transaction, commits once (one fsync for all), then answers each request.
//! A request is answered only after its commit is durable. If the merged batch fails on a
//! constraint, each request is retried alone so that one bad request cannot sink the others. If a
//! commit or a statement fails for a storage reason, the writer stops for good (fail closed).

use crate::rows::{Command, Outcome};
use crate::{Result, StoreError};
use std::future::Future;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// The most requests committed together.
pub(crate) const MAX_BATCH: usize = 256;
/// Queue depth before callers wait (back-pressure).
const QUEUE: usize = 4096;

/// Per-command result inside a committed transaction.
pub(crate) type CmdResult = Result<Outcome>;

/// What a backend provides to the writer.
pub(crate) trait Backend: Send + Sync + 'static {
    /// The writer's own connection.
    type Conn: Send + 'static;
    /// Applies `cmds` in one transaction and commits. `Ok` holds one result per command (a command
    /// refused for a logical reason, e.g. a version conflict, wrote nothing). `Err` means the
    /// transaction was rolled back (or its outcome is unknown).
    fn run(&self, conn: &mut Self::Conn, cmds: &mut [Command]) -> impl Future<Output = Result<Vec<CmdResult>, sqlx::Error>> + Send;
    /// True when `e` means storage can no longer be trusted (I/O error, disk full, lost connection
    /// during commit); false for constraint violations caused by the request itself.
    fn is_fatal(e: &sqlx::Error) -> bool;
    /// True when `e` is a collision of randomly drawn case numbers (retry with new ones).
    fn is_case_number_collision(e: &sqlx::Error) -> bool;
    /// Closes the writer's connection cleanly.
    fn close(conn: Self::Conn) -> impl Future<Output = ()> + Send;
}

struct Job {
    cmd: Command,
    reply: oneshot::Sender<CmdResult>,
}

/// Handle to a running writer.
#[derive(Clone)]
pub(crate) struct Writer {
    queue: mpsc::Sender<Job>,
    stopped: Arc<Mutex<Option<String>>>,
    shutdown: Arc<tokio::sync::Notify>,
    task: Arc<tokio::sync::Mutex<Option<tokio::task::JoinHandle<()>>>>,
}

impl Writer {
    /// Starts the writer task on `conn`.
    pub(crate) fn start<B: Backend>(backend: B, conn: B::Conn) -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        let stopped = Arc::new(Mutex::new(None));
        let shutdown = Arc::new(tokio::sync::Notify::new());
        let task = tokio::spawn(run_loop(backend, conn, rx, stopped.clone(), shutdown.clone()));
        Self { queue: tx, stopped, shutdown, task: Arc::new(tokio::sync::Mutex::new(Some(task))) }
    }

    /// Finishes the batch in progress, closes the connection, and refuses further writes.
    pub(crate) async fn shutdown(&self) {
        self.shutdown.notify_one();
        if let Some(t) = self.task.lock().await.take() {
            let _ = t.await;
        }
        let mut g = self.stopped.lock().unwrap_or_else(|p| p.into_inner());
        if g.is_none() {
            *g = Some("the store was closed".into());
        }
    }

    /// A handle on this writer that does not keep it alive, for a backend's background work.
    pub(crate) fn watch(&self) -> WriterWatch {
        WriterWatch(Arc::downgrade(&self.stopped))
    }

    /// Why writes were stopped, if they were.
    pub(crate) fn stopped(&self) -> Option<String> {
        self.stopped.lock().map(|g| g.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Submits a command and waits until it is durably committed (or refused).
    pub(crate) async fn submit(&self, cmd: Command) -> CmdResult {
        if let Some(why) = self.stopped() {
            return Err(StoreError::WritesStopped(why));
        }
        let (reply, rx) = oneshot::channel();
        if self.queue.send(Job { cmd, reply }).await.is_err() {
            return Err(StoreError::WritesStopped(self.stopped().unwrap_or_else(|| "the writer has ended".into())));
        }
        match rx.await {
            Ok(r) => r,
            Err(_) => Err(StoreError::WritesStopped(self.stopped().unwrap_or_else(|| "the writer has ended".into()))),
        }
    }
}

/// Background work of a backend (SQLite's checkpoints) watches the writer through this: the work
/// ends when the writer has ended or writes were stopped, and a storage failure it meets stops
/// writes (fail closed) as a failure of the writer's own would.
#[derive(Clone)]
pub(crate) struct WriterWatch(std::sync::Weak<Mutex<Option<String>>>);

impl WriterWatch {
    /// True while the writer runs and accepts writes.
    pub(crate) fn accepting(&self) -> bool {
        self.0.upgrade().is_some_and(|s| s.lock().map(|g| g.is_none()).unwrap_or(false))
    }

    /// Stops writes for good, with the reason.
    pub(crate) fn fail(&self, why: String) {
        if let Some(s) = self.0.upgrade() {
            stop(&s, why);
        }
    }
}

fn stop(stopped: &Mutex<Option<String>>, why: String) {
    tracing::error!(reason = %why, "storage failure: writes are stopped (fail closed)");
    let mut g = stopped.lock().unwrap_or_else(|p| p.into_inner());
    if g.is_none() {
        *g = Some(why);
    }
}

async fn run_loop<B: Backend>(backend: B, mut conn: B::Conn, mut rx: mpsc::Receiver<Job>, stopped: Arc<Mutex<Option<String>>>, shutdown: Arc<tokio::sync::Notify>) {
    let mut jobs: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    loop {
        let received = tokio::select! {
            n = rx.recv_many(&mut jobs, MAX_BATCH) => n,
            _ = shutdown.notified() => 0,
        };
        if received == 0 {
            B::close(conn).await; // shut down, or every handle dropped
            return;
        }
        if let Some(why) = stopped.lock().map(|g| g.clone()).unwrap_or(None) {
            for j in jobs.drain(..) {
                let _ = j.reply.send(Err(StoreError::WritesStopped(why.clone())));
            }
            continue;
        }
        // The commands are moved, not copied: a bulk-import chunk is large. A command the batch
        // consumed part of (an import's prepared rows) rebuilds it if it has to run again alone.
        let (mut cmds, replies): (Vec<Command>, Vec<oneshot::Sender<CmdResult>>) = jobs.drain(..).map(|j| (j.cmd, j.reply)).unzip();
        match backend.run(&mut conn, &mut cmds).await {
            Ok(results) => {
                for (reply, r) in replies.into_iter().zip(results) {
                    let _ = reply.send(r);
                }
            }
            Err(e) if B::is_fatal(&e) => {
                let why = e.to_string();
                stop(&stopped, why.clone());
                for reply in replies {
                    let _ = reply.send(Err(StoreError::WritesStopped(why.clone())));
                }
            }
            Err(_) => {
                // One request broke a constraint: apply each alone so the others still land.
                for (cmd, reply) in cmds.into_iter().zip(replies) {
                    let r = run_alone(&backend, &mut conn, cmd, &stopped).await;
                    let _ = reply.send(r);
                }
            }
        }
    }
}

async fn run_alone<B: Backend>(backend: &B, conn: &mut B::Conn, cmd: Command, stopped: &Mutex<Option<String>>) -> CmdResult {
    if let Some(why) = stopped.lock().map(|g| g.clone()).unwrap_or(None) {
        return Err(StoreError::WritesStopped(why));
    }
    let mut one = [cmd];
    for _attempt in 0..4 {
        match backend.run(conn, &mut one).await {
            Ok(mut r) => return r.pop().unwrap_or_else(|| Err(StoreError::Invalid("no result".into()))),
            Err(e) if B::is_fatal(&e) => {
                let why = e.to_string();
                stop(stopped, why.clone());
                return Err(StoreError::WritesStopped(why));
            }
            Err(e) if B::is_case_number_collision(&e) => one[0].reroll_case_numbers(),
            Err(e) => return Err(constraint_error(e)),
        }
    }
    Err(StoreError::Invalid("could not draw a free case number after several attempts; try again".into()))
}

fn constraint_error(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Duplicate(format!("this record already exists ({}); look it up instead of registering it again", db.message()))
        }
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
            StoreError::Invalid(format!("this refers to a record that does not exist ({})", db.message()))
        }
        _ => StoreError::Database(e),
    }
}
