/**
 * sampler4j api: the schedule DSL ({@link org.sampler4j.api.schedule}), noise models, and the extension points
 * that plugins implement. Pure Java, no native code.
 */
package org.sampler4j.api;
