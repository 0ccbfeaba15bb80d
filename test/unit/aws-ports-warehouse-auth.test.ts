/**
 * The pipeline's warehouse port signs in as the function's own IAM role: the Data API requests it
 * sends carry the workgroup and database but no SecretArn (the Data API then uses temporary
 * credentials, database user IAMR:<role name>:
 * https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-access.html), even if an environment
 * still carried the admin secret's ARN from an older deploy.
 */
import { DescribeStatementCommand, ExecuteStatementCommand, GetStatementResultCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../lambdas/ports/aws-ports';

const data = mockClient(RedshiftDataClient);
afterEach(() => data.reset());

describe('createAwsPorts: the warehouse', () => {
  it('sends statements to the workgroup with no SecretArn', async () => {
    data.on(ExecuteStatementCommand).resolves({ Id: 's1' });
    data.on(DescribeStatementCommand).resolves({ Id: 's1', Status: 'FINISHED', HasResultSet: true });
    data.on(GetStatementResultCommand).resolves({ ColumnMetadata: [{ name: 'n' }], Records: [[{ longValue: 3 }]] });
    const env = {
      REDSHIFT_WORKGROUP: 'gridlake-dev',
      REDSHIFT_DATABASE: 'gridlake',
      // A variable left over from a deploy before the database users existed: ignored.
      REDSHIFT_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:admin-AbCdEf',
    };
    const ports = await createAwsPorts(env, { redshiftData: new RedshiftDataClient({ region: 'eu-west-2' }) });
    expect(await ports.warehouse.query({ name: 'count_runs', sql: 'SELECT COUNT(*) AS n FROM etl_runs' })).toEqual([{ n: 3 }]);
    const [call] = data.commandCalls(ExecuteStatementCommand);
    expect(call!.args[0].input).toMatchObject({ WorkgroupName: 'gridlake-dev', Database: 'gridlake' });
    expect(call!.args[0].input.SecretArn).toBeUndefined();
  });
});
