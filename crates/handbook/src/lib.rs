//! Handbook corpus: import, render, index and search (issue #6). Nothing here yet.
