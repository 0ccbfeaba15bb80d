/**
 * Which AWS failures the adapters turn into TransientError (the name every Retry in the ASL names),
 * against aws-sdk-client-mock: the real adapter code and SDK commands, scripted service errors.
 */
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ObjectNotFoundError } from '../../lambdas/ports/object-store';
import { S3ObjectStore } from '../../lambdas/ports/s3-object-store';
import { SnsNotifier } from '../../lambdas/ports/sns-notifier';
import { TransientError, isTransient } from '../../lambdas/ports/transient-error';

const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
afterEach(() => {
  s3.reset();
  sns.reset();
});

/** An S3 error as the SDK raises it (name = the S3 error code, HTTP status in $metadata). */
const s3Error = (name: string, status: number) => Object.assign(new Error(`${name} from S3`), { name, $metadata: { httpStatusCode: status }, $fault: status >= 500 ? 'server' : 'client' });

describe('S3 adapter: transient or not', () => {
  const store = () => new S3ObjectStore(new S3Client({ region: 'eu-west-1' }), 'lake-bucket');

  it('SlowDown, 503, 500 and a reset connection become TransientError naming the S3 action', async () => {
    for (const error of [s3Error('SlowDown', 503), s3Error('ServiceUnavailable', 503), s3Error('InternalError', 500), Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })]) {
      s3.reset();
      s3.on(PutObjectCommand).rejects(error);
      s3.on(ListObjectsV2Command).rejects(error);
      s3.on(DeleteObjectCommand).rejects(error);
      s3.on(GetObjectCommand).rejects(error);
      await expect(store().put('raw/a.json', '{}')).rejects.toMatchObject({ name: 'TransientError', operation: 's3:PutObject' });
      await expect(store().list('raw/')).rejects.toMatchObject({ name: 'TransientError', operation: 's3:ListBucket' });
      await expect(store().delete('raw/a.json')).rejects.toMatchObject({ name: 'TransientError', operation: 's3:DeleteObject' });
      await expect(store().get('raw/a.json')).rejects.toBeInstanceOf(TransientError);
    }
  });

  it('access denied, a missing bucket and a missing key keep their own errors (retrying cannot help)', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('AccessDenied', 403));
    await expect(store().put('raw/a.json', '{}')).rejects.toMatchObject({ name: 'AccessDenied' });
    s3.on(ListObjectsV2Command).rejects(s3Error('NoSuchBucket', 404));
    await expect(store().list('raw/')).rejects.toMatchObject({ name: 'NoSuchBucket' });
    s3.on(GetObjectCommand).rejects(s3Error('NoSuchKey', 404));
    await expect(store().get('raw/a.json')).rejects.toBeInstanceOf(ObjectNotFoundError);
    s3.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));
    expect(await store().exists('raw/a.json')).toBe(false);
  });
});

describe('SNS notifier: transient or not', () => {
  const notifier = () => new SnsNotifier(new SNSClient({ region: 'eu-west-1' }), 'arn:aws:sns:eu-west-1:123456789012:alerts');
  const n = { id: 'n1', kind: 'run-failed', severity: 'critical', title: 't', message: 'm' } as const;

  it('throttling is transient, an authorization error is not', async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }));
    await expect(notifier().notify(n as never)).rejects.toMatchObject({ name: 'TransientError', operation: 'sns:Publish' });
    sns.reset();
    sns.on(PublishCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AuthorizationErrorException', $metadata: { httpStatusCode: 403 } }));
    await expect(notifier().notify(n as never)).rejects.toMatchObject({ name: 'Error', message: expect.stringMatching(/not authorized/) });
  });
});

describe('isTransient', () => {
  it('reads the cause of a wrapped fetch failure', () => {
    expect(isTransient(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }))).toBe(true);
    expect(isTransient(new TypeError('fetch failed', { cause: new Error('certificate has expired') }))).toBe(false);
    expect(isTransient(new Error('plain'))).toBe(false);
  });
});
