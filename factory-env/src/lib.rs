//! Variables for Docker Compose projects on the Factory platform.
//!
//! Compose-exact interpolation templates, the `.env` grammar, and the platform's variable model
//! (development and deploy environments, secrets). Pure: no file, environment or clock access.
#![forbid(unsafe_code)]
