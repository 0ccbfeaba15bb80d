/**
 * Where the Redshift Serverless workgroup lives. A workgroup is always placed in subnets; without
 * them CreateWorkgroup uses the account's default VPC, which accounts built by Control Tower or a
 * landing zone do not have. Redshift Serverless needs at least three subnets spanning three
 * Availability Zones (https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-usage-considerations.html).
 *
 * Either the stage names its own VPC and subnets (stage config `network`), or the stack creates a
 * small VPC: three isolated subnets (no internet or NAT gateway: nothing in it needs to reach out,
 * the pipeline talks to Redshift through the Data API and COPY reads S3 through Redshift's own
 * network), one per Availability Zone of the region, chosen at deploy time with Fn::GetAZs so synth
 * needs no lookup. The security group admits nobody: no client connects over the network.
 */
import { Fn, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

export interface WarehouseNetwork {
  subnetIds: string[];
  securityGroupIds: string[];
}

export interface StageNetwork {
  vpcId: string;
  /** At least three subnets in three different Availability Zones. */
  subnets: Array<{ subnetId: string; availabilityZone: string }>;
}

export class WarehouseNetworkConstruct extends Construct implements WarehouseNetwork {
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  /** The VPC the stack created; undefined when the stage brings its own. */
  readonly vpc?: ec2.Vpc;

  constructor(scope: Construct, id: string, props: { network?: StageNetwork }) {
    super(scope, id);
    let vpc: ec2.IVpc;
    if (props.network) {
      const zones = new Set(props.network.subnets.map((s) => s.availabilityZone));
      if (props.network.subnets.length < 3 || zones.size < 3) {
        throw new Error('network: Redshift Serverless needs at least three subnets in three Availability Zones.');
      }
      vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: props.network.vpcId,
        availabilityZones: [...zones],
      });
      this.subnetIds = props.network.subnets.map((s) => s.subnetId);
    } else {
      this.vpc = new ec2.Vpc(this, 'Vpc', {
        availabilityZones: [0, 1, 2].map((i) => Fn.select(i, Fn.getAzs())),
        natGateways: 0,
        subnetConfiguration: [{ name: 'warehouse', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      });
      Validations.of(this.vpc).acknowledge({
        id: 'AwsSolutions-VPC7',
        reason:
          'The VPC holds only the Redshift Serverless endpoint: isolated subnets, no internet or NAT gateway, and a security group without ingress rules, ' +
          'so there is no traffic to log; Redshift itself exports connection and user activity logs to CloudWatch (lib/warehouse.ts logExports).',
      });
      vpc = this.vpc;
      this.subnetIds = this.vpc.isolatedSubnets.map((s) => s.subnetId);
    }
    const group = new ec2.SecurityGroup(this, 'WarehouseSecurityGroup', {
      vpc,
      description: 'gridlake Redshift Serverless workgroup: no ingress (reached only through the Data API)',
      allowAllOutbound: false,
    });
    this.securityGroupIds = [group.securityGroupId];
  }
}
