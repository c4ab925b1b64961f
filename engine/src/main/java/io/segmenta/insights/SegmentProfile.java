package io.segmenta.insights;

import java.util.List;

/**
 * What sets one segment apart, in the input's units.
 *
 * @param segment the segment number
 * @param name its descriptive name (rules in {@link SegmentNames}, or the user's override)
 * @param size rows in the segment
 * @param share size / all rows
 * @param mean per feature, the segment's mean
 * @param median per feature, the segment's median (exact, or from a uniform sample of at most
 *     {@link Profiles#SAMPLE} rows per segment when the data is larger; then the median's rank is
 *     off by about 1/sqrt(sample) of the segment at most, in probability)
 * @param z per feature, (segment mean - population mean) / population standard deviation
 * @param percentile per feature, where the segment's median sits in the population (0..1, mid-rank)
 * @param distinguishing the features that set it apart most: the largest |z|, strongest first
 */
public record SegmentProfile(int segment, String name, long size, double share, double[] mean, double[] median, double[] z,
                             double[] percentile, List<String> distinguishing) {}
