pub mod households;
