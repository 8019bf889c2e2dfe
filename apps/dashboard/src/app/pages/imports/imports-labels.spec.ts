import { formatFileSize } from './imports-labels';

describe('formatFileSize', () => {
  it('uses French units and decimal commas', () => {
    expect(formatFileSize(512)).toBe('512 o');
    expect(formatFileSize(2048)).toBe('2 ko');
    expect(formatFileSize(12.4 * 1024 * 1024)).toBe('12,4 Mo');
  });
});
