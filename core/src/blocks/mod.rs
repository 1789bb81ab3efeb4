//! Block Kit: typed blocks, elements, composition objects and views.
