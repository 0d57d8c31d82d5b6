package dev.tern.store;

/** Where an appended message went: APPENDUID's data (RFC 4315 §3). */
public record AppendResult(long uidValidity, long uid) {}
