import { portico } from '@portico/vitest-config';

export default portico();
