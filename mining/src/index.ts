/** @erp/mining: exploratory analysis, RFM, K-Means segmentation and Isolation Forest anomalies on the warehouse. */
export { runMining, type RunMiningOptions, type MiningResult, type MiningSummary } from './run';
export { computeRfm, quintileScores, defaultReferenceDate, type RfmOrder, type RfmRow } from './rfm/compute';
export { SEGMENT_RULES, SEGMENT_NAMES, segmentOf, type SegmentName } from './rfm/segments';
export {
  clusterCustomers,
  clusterName,
  silhouette,
  type ClusteringResult,
  type ClusterProfile,
} from './cluster/kmeans';
export {
  orderFeatures,
  FEATURES,
  FEATURE_DOC,
  type OrderRecord,
  type FeatureVector,
} from './anomaly/features';
export { isolationForestScores, explain, featureStats, toFeatureMatrix } from './anomaly/iforest';
export {
  fitIsolationForest,
  scoreIsolationForest,
  averagePathLength,
  type FeatureMatrix,
  type IsolationForestModel,
} from './anomaly/forest';
export {
  GraphqlSegmentWriter,
  writeSegments,
  MAX_ASSIGNMENTS_PER_CALL,
  type SegmentWriter,
  type SegmentAssignment,
  type Credentials,
} from './writeback';
export { sourceState, loadRfmOrders, loadOrderRecords } from './source';
export { withSeededRandom, mulberry32, sampleIndices } from './prng';
