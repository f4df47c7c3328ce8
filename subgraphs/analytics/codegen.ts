import type { CodegenConfig } from '@graphql-codegen/cli';
import { subgraphCodegen } from '@erp/kit/codegen';

// `npm run codegen -w @erp/subgraph-analytics` rewrites src/generated/resolvers.ts (committed).
const config: CodegenConfig = subgraphCodegen({
  context: 'AnalyticsContext',
  mappers: {
    SemanticModel: '../results#SemanticModelAnswer',
    OlapResult: '../results#OlapResultAnswer',
    OlapDefinition: '../results#OlapDefinitionAnswer',
    Dashboard: '../results#DashboardAnswer',
    MiningSummary: '../results#MiningSummaryAnswer',
    InsightsResult: '../results#InsightsAnswer',
    RecommendationsResult: '../results#RecommendationsAnswer',
    StoryResult: '../results#StoryAnswer',
    AskResult: '../results#AskAnswer',
  },
});
export default config;
