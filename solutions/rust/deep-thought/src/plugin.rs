//! The plugin extension: third-party code that watches every operation and
//! may veto it, kept at arm's length so that a panicking plugin cannot
//! leave the store half-changed.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::{DocumentId, Operation, Store, StoreError, TenantId, UserId};

/// An operation on its way into the store, as plugins see it.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub tenant: TenantId,
    pub document: DocumentId,
    pub user: UserId,
    pub op: &'a Operation,
}

/// A third-party integration. Both hooks do nothing unless overridden.
pub trait Plugin {
    /// Asked before an operation is applied; `Err(reason)` vetoes it.
    fn check(&mut self, _change: &Change<'_>) -> Result<(), String> {
        Ok(())
    }

    /// Told after an operation was applied, with the document's new revision.
    fn applied(&mut self, _change: &Change<'_>, _revision: u64) {}
}

/// A store with plugins around its `apply`.
pub struct PluginHost {
    store: Store,
    plugins: Vec<(usize, Box<dyn Plugin>)>,
    added: usize,
}

impl PluginHost {
    pub fn new(store: Store) -> PluginHost {
        PluginHost { store, plugins: Vec::new(), added: 0 }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The store itself, for what plugins do not watch (tenants, roles...).
    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// Adds a plugin after the others; returns its number (0, 1, 2, ...).
    pub fn add_plugin(&mut self, plugin: Box<dyn Plugin>) -> usize {
        let id = self.added;
        self.added += 1;
        self.plugins.push((id, plugin));
        id
    }

    /// The plugins still installed, in the order they were added.
    pub fn plugins(&self) -> Vec<usize> {
        self.plugins.iter().map(|(id, _)| *id).collect()
    }

    /// `Store::apply`, asking every plugin first (in order; the first veto
    /// refuses the operation) and telling every plugin after. A plugin that
    /// panics is removed; a panic in `check` refuses the operation, one in
    /// `applied` comes after the fact and leaves it applied.
    pub fn apply(
        &mut self,
        tenant: TenantId,
        document: DocumentId,
        user: UserId,
        op: &Operation,
    ) -> Result<u64, StoreError> {
        let change = Change { tenant, document, user, op };
        for i in 0..self.plugins.len() {
            let (id, plugin) = &mut self.plugins[i];
            let id = *id;
            // The plugin only ever sees `change`, a shared view: if it
            // panics, nothing of ours is left half-changed.
            match catch_unwind(AssertUnwindSafe(|| plugin.check(&change))) {
                Ok(Ok(())) => {}
                Ok(Err(reason)) => return Err(StoreError::Forbidden(format!("plugin {id} vetoed: {reason}"))),
                Err(_) => {
                    self.plugins.remove(i);
                    return Err(StoreError::Forbidden(format!("plugin {id} panicked and was removed")));
                }
            }
        }
        let revision = self.store.apply(tenant, document, user, op)?;
        self.plugins
            .retain_mut(|(_, plugin)| catch_unwind(AssertUnwindSafe(|| plugin.applied(&change, revision))).is_ok());
        Ok(revision)
    }
}
