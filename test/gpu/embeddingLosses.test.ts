import { describe } from 'vitest';
import { embeddingLossChecks } from '../../src/selftest/checks/embeddingLosses';
import { itPassesChecks } from '../helpers/gpu';

describe('embedding losses against float64 references', () => {
  itPassesChecks(embeddingLossChecks, { bothWorkgroupSizes: true });
});
