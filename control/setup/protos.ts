// The TypeScript of the Spark Connect protocol, generated from the .proto files packed inside the
// spark-connect jar that Maven resolved, so the client always speaks the server's exact protocol.
// The generator is @lake/spark-connect's own (its scripts/generate-protocol.mjs); output goes to
// packages/spark-connect/src/gen/ (ignored by git); nothing generated is committed.
export { findConnectJar, generateProtocol, generatedDir } from '@lake/spark-connect/generate-protocol';
