//! Built-in MIB knowledge (placeholder).
