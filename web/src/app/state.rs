//! The app's state: the data directory and one inventory connection shared by the handlers.
//! SQLite work runs on the blocking pool, never on the async runtime; the connection is
//! opened at first use and reopened after an error (the poller writes to the same database
//! in WAL mode). The sessions and the login rate limit ([`super::auth::Auth`]) live here too.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use poller::inventory::Inventory;

use super::auth::Auth;
use super::error::AppError;

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The data directory: `osprey.db` and `rrd/<device>/*.rrd`.
    pub data_dir: PathBuf,
    inventory: Arc<Mutex<Option<Inventory>>>,
    auth: Arc<Auth>,
}

impl AppState {
    /// The state for the data directory `data_dir` (the inventory is opened at first use),
    /// served on a loopback address: changing devices needs a login once a user exists.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self::listening_on(data_dir, true)
    }

    /// The state for an app whose listener is (`loopback`) or is not a loopback address;
    /// beyond loopback, changing devices always needs a login.
    pub fn listening_on(data_dir: impl Into<PathBuf>, loopback: bool) -> Self {
        AppState {
            data_dir: data_dir.into(),
            inventory: Arc::new(Mutex::new(None)),
            auth: Arc::new(Auth::new(loopback)),
        }
    }

    /// The sessions and login rate limit.
    pub(super) fn auth(&self) -> &Auth {
        &self.auth
    }

    /// Runs `work` on the inventory on the blocking pool.
    pub(super) async fn inventory<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Inventory) -> Result<T, poller::error::Error> + Send + 'static,
    {
        let shared = self.inventory.clone();
        let dir = self.data_dir.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let mut slot = shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if slot.is_none() {
                *slot = Some(Inventory::open(&dir)?);
            }
            let Some(inventory) = slot.as_mut() else {
                return Err(poller::error::Error::Invalid("the inventory is not open".into()));
            };
            let result = work(inventory);
            if matches!(result, Err(poller::error::Error::Inventory { .. } | poller::error::Error::Io { .. })) {
                *slot = None;
            }
            result
        })
        .await;
        match joined {
            Ok(result) => result.map_err(AppError::from),
            Err(e) => Err(AppError::Internal(format!("inventory task failed: {e}"))),
        }
    }
}
