/**
 * Schedule optimisation, the model-free part: how a schedule with fixed endpoints is parameterised
 * ({@link org.sampler4j.api.optimize.LogSigmaPositions}), the derivative-free minimiser of the {@code direct} method
 * ({@link org.sampler4j.api.optimize.NelderMead}), the coordinate search with subdivision of Align Your Steps
 * ({@link org.sampler4j.api.optimize.CoordinateSearch}) and the dynamic programme of GITS
 * ({@link org.sampler4j.api.optimize.GitsPath}). The host's {@code org.sampler4j.host.optimize} supplies the objectives
 * (sampling a model) and writes the result as a preset file.
 */
package org.sampler4j.api.optimize;
