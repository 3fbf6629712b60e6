//! FD: Dockerfiles.

pub(crate) mod link;
pub(crate) mod runs_as_root;
pub(crate) mod volume_instruction;
pub(crate) mod volume_owner_mismatch;

use crate::rules::Rule;

/// The rules of this family, sorted by code.
pub(crate) static RULES: &[&dyn Rule] = &[
    &runs_as_root::RunsAsRoot,
    &volume_instruction::VolumeInstruction,
    &volume_owner_mismatch::VolumeOwnerMismatch,
];
