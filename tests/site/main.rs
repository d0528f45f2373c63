//! Integration tests: fixture sites built into temporary folders and checked like a
//! reader would, with a real HTML parser.

mod atomic;
mod browser;
mod build;
mod cache;
mod cli;
mod extraction;
mod file_cache;
mod headless;
mod hostile;
mod huge;
mod insights;
mod intl;
mod links;
mod pages;
mod safety;
mod scaffold;
mod search;
mod serve;
mod support;
