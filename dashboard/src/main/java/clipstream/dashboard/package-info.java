/**
 * The operator's web page: {@link clipstream.dashboard.Dashboard} reads the pipeline's topics with a consumer group
 * of its own ({@code feed}), keeps a bounded picture of every camera ({@code board}) and serves it live to browsers
 * ({@code server}); {@code cli} is {@code ./clipstream dashboard}.
 */
package clipstream.dashboard;
