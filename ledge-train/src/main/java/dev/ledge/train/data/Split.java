package dev.ledge.train.data;

/**
 * A train/test partition of one data set.
 *
 * @param train the training samples
 * @param test the held-out samples
 */
public record Split(Dataset train, Dataset test) {}
