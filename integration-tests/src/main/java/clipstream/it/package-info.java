/** End-to-end tests on a real Kafka broker and a real Flink runtime, and the benchmarks. */
package clipstream.it;
