// An Lpips instance with the fixture's random AlexNet trunk and the vendored lin weights: the real
// metric's computation, usable in tests without torchvision's ImageNet checkpoint.
import { readPth } from '@workbench/torch-io';
import { alexTrunkFromTorch, linFromTorch, lpipsFromStateDicts, vendoredLinPath } from '../src/lpips/lpips-weights.js';
import type { Lpips, LpipsVersion } from '../src/lpips/lpips.js';
import { LPIPS_FIXTURE_DIR } from './lpips-fixture.js';

export function fixtureLpips(version: LpipsVersion): Lpips {
  const trunk = alexTrunkFromTorch(readPth(`${LPIPS_FIXTURE_DIR}alex_features_random.pth`));
  return lpipsFromStateDicts(version, trunk, linFromTorch(readPth(vendoredLinPath(version))));
}
