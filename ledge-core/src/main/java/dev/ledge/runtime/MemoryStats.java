package dev.ledge.runtime;

/**
 * What a session's planned memory costs: see {@link Session#memoryStats()}.
 *
 * @param arenaBytes bytes of the buffers the session keeps for intermediate values (the peak of its
 *     runs, since buffers are kept for the next run)
 * @param intermediateBytes bytes of all intermediate values of the last run added up: the memory
 *     needed if each had a buffer of its own
 * @param buffers number of buffers kept
 */
public record MemoryStats(long arenaBytes, long intermediateBytes, int buffers) {}
