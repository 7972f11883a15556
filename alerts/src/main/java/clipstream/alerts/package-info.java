/** The alerting consumer: rules over labelled clip events, delivered to a topic, the terminal and webhooks. */
package clipstream.alerts;
