#pragma once

// Inline, so that without include scopes probe_undeclared would build and run.
inline constexpr int upper_marker = 2;

int upper_value();
