/**
 * Monitoring: alarms that reach the alerts topic (failed or timed-out executions, Lambda errors,
 * data freshness = no successful run in 26 hours) and one CloudWatch dashboard.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface MonitoringProps {
  stateMachine: sfn.IStateMachine;
  functions: Record<string, lambda.IFunction>;
  alertTopic: sns.ITopic;
  /** Hours without a successful execution before the freshness alarm fires. Default 26 (a daily run plus slack). */
  freshnessHours?: number;
  dashboardName: string;
}

export class Monitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const notify = new actions.SnsAction(props.alertTopic);
    const add = (alarm: cloudwatch.Alarm) => {
      alarm.addAlarmAction(notify);
      this.alarms.push(alarm);
      return alarm;
    };

    const sm = props.stateMachine;
    add(
      sm.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }).createAlarm(this, 'ExecutionsFailed', {
        alarmDescription: 'A gridlake execution failed: see the failure notification and etl_runs.',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    add(
      sm.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }).createAlarm(this, 'ExecutionsTimedOut', {
        alarmDescription: 'A gridlake execution timed out.',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    // Freshness: hourly success counts; all of the last N hours empty (missing = breaching) → stale data.
    const hours = props.freshnessHours ?? 26;
    add(
      sm.metricSucceeded({ period: Duration.hours(1), statistic: 'Sum' }).createAlarm(this, 'DataFreshness', {
        alarmDescription: `No successful gridlake run in ${hours} hours: the dashboard data is stale.`,
        threshold: 1,
        evaluationPeriods: hours,
        datapointsToAlarm: hours,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      add(
        fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }).createAlarm(this, `${name}Errors`, {
          alarmDescription: `The gridlake ${name} function reported errors (after Step Functions retries some may have recovered).`,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Executions',
        left: [sm.metricSucceeded({ period: Duration.hours(1) }), sm.metricFailed({ period: Duration.hours(1) }), sm.metricTimedOut({ period: Duration.hours(1) })],
        width: 12,
      }),
      new cloudwatch.GraphWidget({ title: 'Execution time', left: [sm.metricTime({ period: Duration.hours(1), statistic: 'Maximum' })], width: 12 }),
    );
    const fns = Object.entries(props.functions);
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Function errors', left: fns.map(([n, f]) => f.metricErrors({ label: n, period: Duration.hours(1) })), width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Function duration (max)',
        left: fns.map(([n, f]) => f.metricDuration({ label: n, period: Duration.hours(1), statistic: 'Maximum' })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'Function throttles', left: fns.map(([n, f]) => f.metricThrottles({ label: n, period: Duration.hours(1) })), width: 8 }),
    );
    this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }));
  }
}
