/**
 * What happens to stateful resources (buckets, secrets, the warehouse, log groups, the alerts key)
 * when the stack is deleted or a resource is replaced.
 *
 * `retain` maps to CloudFormation's `RetainExceptOnCreate`, not `Retain`: data survives a stack
 * delete or a replacement, but a resource created by a deploy that then fails and rolls back is
 * deleted with the rollback. With plain `Retain` a failed first deploy would leave the explicitly
 * named namespace and workgroup (`gridlake-<stage>`) behind, and the next deploy would fail with
 * "already exists" until someone deleted them by hand
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html).
 */
import { RemovalPolicy } from 'aws-cdk-lib';

export function removalPolicy(removal: 'destroy' | 'retain'): RemovalPolicy {
  return removal === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
}
